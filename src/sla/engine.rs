//! How a KPI instance follows its case: the pure rules, no I/O.
//!
//! A case has at most one instance per KPI. [`evolve`] brings it in line with
//! the case as it is now (start, pause, resume, re-evaluate, succeed, cancel,
//! reopen) and says what happened, so the store can write the history and the
//! pause ledger that explain every deadline. [`tick`] is what time does to it
//! (nearing, then breached; or breached at once when first seen past its
//! failure time), and only the worker calls it, so each warning and failure,
//! with its actions, happens exactly once.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::core::case::State;
use crate::sla::calendar::Calendar;
use crate::sla::model::{FirstResponseBy, Kpi, KpiStatus, Sla, SlaItem};

#[derive(Debug, Clone, PartialEq)]
pub struct Instance {
    pub id: Uuid,
    pub kpi: Kpi,
    pub sla_item_id: Option<Uuid>,
    pub status: KpiStatus,
    pub started_at: DateTime<Utc>,
    pub warning_at: DateTime<Utc>,
    pub failure_at: DateTime<Utc>,
    pub warned_at: Option<DateTime<Utc>>,
    pub failed_at: Option<DateTime<Utc>>,
    pub succeeded_at: Option<DateTime<Utc>>,
    pub ended_at: Option<DateTime<Utc>>,
    pub paused_at: Option<DateTime<Utc>>,
    pub paused_minutes: i64,
}

/// The case as the SLA sees it at one instant.
#[derive(Debug, Clone)]
pub struct CaseMoment {
    pub state: State,
    pub status_reason_id: Uuid,
    /// When the clock starts: the moment the request reached us.
    pub received_at: DateTime<Utc>,
    /// When the agent started to work on it (or resolved it).
    pub first_response_at: Option<DateTime<Utc>>,
    /// When the customer was first answered in a public note.
    pub first_public_reply_at: Option<DateTime<Utc>>,
    pub resolved_at: Option<DateTime<Utc>>,
    pub now: DateTime<Utc>,
}

impl CaseMoment {
    /// When the case was first answered, as a first-response item counts it.
    pub fn answered_at(&self, by: FirstResponseBy) -> Option<DateTime<Utc>> {
        let earliest = |a: Option<DateTime<Utc>>, b: Option<DateTime<Utc>>| match (a, b) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        match by {
            FirstResponseBy::Execution => self.first_response_at,
            FirstResponseBy::PublicReply => earliest(self.first_public_reply_at, self.resolved_at),
            FirstResponseBy::Either => earliest(self.first_response_at, self.first_public_reply_at),
        }
    }
}

/// What happened to an instance, in order; each becomes a history row.
#[derive(Debug, Clone, PartialEq)]
pub enum Step {
    Started {
        item: Uuid,
    },
    Paused {
        status_reason_id: Uuid,
    },
    Resumed {
        paused_minutes: i64,
    },
    Reevaluated {
        from: Option<Uuid>,
        to: Uuid,
        failure_before: DateTime<Utc>,
    },
    Succeeded {
        late: bool,
    },
    Cancelled {
        no_item_applies: bool,
    },
    Reopened {
        closed_minutes: i64,
    },
    Warned,
    Failed,
}

impl Step {
    pub fn event(&self) -> &'static str {
        match self {
            Step::Started { .. } => "started",
            Step::Paused { .. } => "paused",
            Step::Resumed { .. } => "resumed",
            Step::Reevaluated { .. } => "reevaluated",
            Step::Succeeded { .. } => "succeeded",
            Step::Cancelled { .. } => "cancelled",
            Step::Reopened { .. } => "reopened",
            Step::Warned => "warned",
            Step::Failed => "failed",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Evolution {
    pub instance: Instance,
    pub is_new: bool,
    /// Each step with the status it left and the status it reached.
    pub steps: Vec<(Step, KpiStatus, KpiStatus)>,
}

impl Instance {
    pub fn is_open(&self) -> bool {
        self.ended_at.is_none()
    }

    /// The next instant the worker must look at it.
    pub fn due_at(&self) -> Option<DateTime<Utc>> {
        match self.status {
            KpiStatus::InProgress => Some(self.warning_at),
            KpiStatus::Nearing => Some(self.failure_at),
            _ => None,
        }
    }

    fn open_status(&self) -> KpiStatus {
        if self.paused_at.is_some() {
            KpiStatus::Paused
        } else if self.failed_at.is_some() {
            KpiStatus::NonCompliant
        } else if self.warned_at.is_some() {
            KpiStatus::Nearing
        } else {
            KpiStatus::InProgress
        }
    }

    fn reschedule(&mut self, calendar: &Calendar, item: &SlaItem) {
        self.warning_at = deadline(
            calendar,
            self.started_at,
            item.warn_after_minutes + self.paused_minutes,
        );
        self.failure_at = deadline(
            calendar,
            self.started_at,
            item.fail_after_minutes + self.paused_minutes,
        );
    }
}

/// `start` plus working minutes. Calendars are validated when saved, so only a
/// target beyond ten years of holidays can fail; it then counts plain minutes
/// rather than refusing the case.
pub fn deadline(calendar: &Calendar, start: DateTime<Utc>, minutes: i64) -> DateTime<Utc> {
    calendar
        .add_working_minutes(start, minutes)
        .unwrap_or_else(|err| {
            tracing::warn!(error = %err, "SLA deadline beyond the calendar; counting plain minutes");
            start + chrono::Duration::minutes(minutes)
        })
}

struct Recorder {
    steps: Vec<(Step, KpiStatus, KpiStatus)>,
}

impl Recorder {
    fn record(&mut self, instance: &Instance, before: KpiStatus, step: Step) {
        self.steps.push((step, before, instance.status));
    }
}

/// Brings the case's instance of `kpi` in line with the case. `None` when the
/// case has no instance and needs none.
pub fn evolve(
    current: Option<&Instance>,
    kpi: Kpi,
    sla: &Sla,
    item: Option<&SlaItem>,
    case: &CaseMoment,
) -> Option<Evolution> {
    let now = case.now;
    let own_item = current.and_then(|i| sla.items.iter().find(|it| Some(it.id) == i.sla_item_id));
    let success_at = match kpi {
        Kpi::FirstResponse => case.answered_at(
            item.or(own_item)
                .map_or_else(Default::default, |i| i.first_response_by),
        ),
        Kpi::Resolve if case.state == State::Resolved => case.resolved_at.or(Some(now)),
        Kpi::Resolve => None,
    };
    let mut log = Recorder { steps: Vec::new() };
    let (mut inst, is_new) = match current {
        Some(existing) => (existing.clone(), false),
        None => {
            // Cases are born active; a closed case without timers (imported,
            // or older than its SLA) gets them with the outcome they had.
            let item = item?;
            let mut fresh = Instance {
                id: Uuid::now_v7(),
                kpi,
                sla_item_id: Some(item.id),
                status: KpiStatus::InProgress,
                started_at: case.received_at,
                warning_at: case.received_at,
                failure_at: case.received_at,
                warned_at: None,
                failed_at: None,
                succeeded_at: None,
                ended_at: None,
                paused_at: None,
                paused_minutes: 0,
            };
            fresh.reschedule(&sla.calendar, item);
            log.record(
                &fresh,
                KpiStatus::InProgress,
                Step::Started { item: item.id },
            );
            (fresh, true)
        }
    };
    let pausing =
        case.state == State::Active && sla.pause_status_ids.contains(&case.status_reason_id);

    // Resume first, so every later step sees deadlines that include the
    // pause; also when the clock stops while the case still waits (a public
    // reply answers a case on hold): the wait counts up to that moment.
    let stopping = success_at.is_some();
    if let Some(paused_at) = inst
        .paused_at
        .filter(|_| inst.is_open() && (!pausing || stopping))
    {
        let before = inst.status;
        let minutes = sla.calendar.working_minutes_between(paused_at, now);
        inst.paused_minutes += minutes;
        inst.paused_at = None;
        // Under the item it ran by: when the same change selects another
        // item, the re-evaluation below moves the deadline and records the
        // one it had, pause included.
        let own = sla.items.iter().find(|i| Some(i.id) == inst.sla_item_id);
        if let Some(item) = own.or(item) {
            inst.reschedule(&sla.calendar, item);
        }
        inst.status = inst.open_status();
        log.record(
            &inst,
            before,
            Step::Resumed {
                paused_minutes: minutes,
            },
        );
    }

    // A case once answered stays answered when reactivated; only a
    // resolution (or a cancellation) is undone.
    let answered_before = kpi == Kpi::FirstResponse && inst.succeeded_at.is_some();
    let reopening =
        !inst.is_open() && case.state == State::Active && success_at.is_none() && !answered_before;
    if inst.is_open() || reopening {
        match item {
            None if inst.is_open() => {
                let before = inst.status;
                inst.status = KpiStatus::Cancelled;
                inst.ended_at = Some(now);
                log.record(
                    &inst,
                    before,
                    Step::Cancelled {
                        no_item_applies: true,
                    },
                );
                return Some(finish(inst, is_new, log));
            }
            None => return Some(finish(inst, is_new, log)),
            Some(item) if inst.sla_item_id != Some(item.id) => {
                let before = inst.status;
                let failure_before = inst.failure_at;
                let from = inst.sla_item_id;
                inst.sla_item_id = Some(item.id);
                inst.reschedule(&sla.calendar, item);
                // A new promise starts over on what has not happened yet; a
                // breach already recorded stays a breach.
                if inst.failed_at.is_none() && now < inst.warning_at {
                    inst.warned_at = None;
                }
                if inst.is_open() {
                    inst.status = inst.open_status();
                }
                log.record(
                    &inst,
                    before,
                    Step::Reevaluated {
                        from,
                        to: item.id,
                        failure_before,
                    },
                );
            }
            Some(_) => {}
        }
    }

    if reopening {
        let before = inst.status;
        let closed_at = inst.ended_at.unwrap_or(now);
        let closed_minutes = sla.calendar.working_minutes_between(closed_at, now);
        inst.paused_minutes += closed_minutes;
        inst.ended_at = None;
        inst.succeeded_at = None;
        if let Some(item) = item {
            inst.reschedule(&sla.calendar, item);
        }
        inst.status = inst.open_status();
        log.record(&inst, before, Step::Reopened { closed_minutes });
    }

    if inst.is_open() && case.state == State::Cancelled {
        let before = inst.status;
        inst.status = KpiStatus::Cancelled;
        inst.ended_at = Some(now);
        inst.paused_at = None;
        log.record(
            &inst,
            before,
            Step::Cancelled {
                no_item_applies: false,
            },
        );
    } else if let Some(done_at) = success_at.filter(|_| inst.is_open()) {
        let before = inst.status;
        let late = inst.failed_at.is_some() || done_at > inst.failure_at;
        if late {
            inst.failed_at.get_or_insert(inst.failure_at);
            inst.status = KpiStatus::NonCompliant;
        } else {
            inst.status = KpiStatus::Succeeded;
        }
        inst.succeeded_at = Some(done_at);
        inst.ended_at = Some(now);
        inst.paused_at = None;
        log.record(&inst, before, Step::Succeeded { late });
    } else if inst.is_open() && pausing && inst.paused_at.is_none() && inst.failed_at.is_none() {
        let before = inst.status;
        inst.paused_at = Some(now);
        inst.status = KpiStatus::Paused;
        log.record(
            &inst,
            before,
            Step::Paused {
                status_reason_id: case.status_reason_id,
            },
        );
    }
    Some(finish(inst, is_new, log))
}

fn finish(instance: Instance, is_new: bool, log: Recorder) -> Evolution {
    Evolution {
        instance,
        is_new,
        steps: log.steps,
    }
}

/// What time did to an open instance by `now`, with the status it left:
/// nearing from the warning time, breached from the failure time. One step
/// at most: an instance first looked at past its failure time (started
/// late, or a worker that was away) goes straight to breached, since a
/// warning about a deadline already missed only doubles the alarm. The
/// warning's actions are then not run; the failure's are.
pub fn tick(inst: &mut Instance, now: DateTime<Utc>) -> Option<(Step, KpiStatus)> {
    let from = inst.status;
    match from {
        KpiStatus::InProgress | KpiStatus::Nearing if now >= inst.failure_at => {
            inst.status = KpiStatus::NonCompliant;
            inst.failed_at = Some(now);
            Some((Step::Failed, from))
        }
        KpiStatus::InProgress if now >= inst.warning_at => {
            inst.status = KpiStatus::Nearing;
            inst.warned_at = Some(now);
            Some((Step::Warned, from))
        }
        _ => None,
    }
}

#[cfg(test)]
#[path = "engine_tests.rs"]
mod tests;
