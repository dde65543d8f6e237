//! The one SLA timer a case's row shows in the case views, kept on the case
//! row (migration 0017) so a page of 25 cases reads no instances at all.
//!
//! It is written with the instances by every change that moves them
//! (the case store's `save_clocks`). The worker's nearing and breach
//! steps leave it as it was: they follow from the deadline and warning
//! time it holds, so a view works them out from the time it is shown
//! ([`CaseTimer::status_at`]).

use chrono::{DateTime, Utc};

use crate::sla::engine::Instance;
use crate::sla::model::KpiStatus;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CaseTimer {
    /// The picked instance's status when the case last moved it; `None`
    /// when the case has no timer (no SLA, or only cancelled ones).
    pub status: Option<KpiStatus>,
    /// The countdown's end and its warning, only while the timer runs.
    pub deadline: Option<DateTime<Utc>>,
    pub warning_at: Option<DateTime<Utc>>,
}

impl CaseTimer {
    /// The running instance with the nearest deadline (a breached one
    /// first) or, when none runs, a paused one, or else how the timers
    /// ended, a breach first. Cancelled instances promised nothing. The
    /// same order as `case_sla_timer` in SQL (migration 0017).
    pub fn of<'a>(instances: impl IntoIterator<Item = &'a Instance>) -> CaseTimer {
        let picked = instances
            .into_iter()
            .filter(|i| i.status != KpiStatus::Cancelled)
            .min_by_key(|i| {
                (
                    i.ended_at.is_some(),
                    i.status == KpiStatus::Paused,
                    i.status != KpiStatus::NonCompliant,
                    i.failure_at,
                    i.kpi.as_str(),
                )
            });
        let Some(instance) = picked else {
            return CaseTimer::default();
        };
        let running = instance.ended_at.is_none() && instance.status != KpiStatus::Paused;
        CaseTimer {
            status: Some(instance.status),
            deadline: running.then_some(instance.failure_at),
            warning_at: running.then_some(instance.warning_at),
        }
    }

    /// The status the timer has at `now`: a running timer is nearing from
    /// its warning time and breached from its deadline, whether or not the
    /// worker has written that step yet.
    pub fn status_at(&self, now: DateTime<Utc>) -> Option<KpiStatus> {
        let status = self.status?;
        let (Some(deadline), Some(warning_at)) = (self.deadline, self.warning_at) else {
            return Some(status);
        };
        Some(if status == KpiStatus::NonCompliant || now >= deadline {
            KpiStatus::NonCompliant
        } else if status == KpiStatus::Nearing || now >= warning_at {
            KpiStatus::Nearing
        } else {
            status
        })
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;
    use uuid::Uuid;

    use super::*;
    use crate::sla::model::Kpi;

    fn at(hour: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, 7, hour, 0, 0).unwrap()
    }

    fn instance(kpi: Kpi, status: KpiStatus, failure_hour: u32) -> Instance {
        let ended = matches!(
            status,
            KpiStatus::Succeeded | KpiStatus::Cancelled | KpiStatus::NonCompliant
        );
        Instance {
            id: Uuid::now_v7(),
            kpi,
            sla_item_id: None,
            status,
            started_at: at(0),
            warning_at: at(failure_hour - 1),
            failure_at: at(failure_hour),
            warned_at: None,
            failed_at: None,
            succeeded_at: None,
            ended_at: ended.then_some(at(2)),
            paused_at: (status == KpiStatus::Paused).then_some(at(1)),
            paused_minutes: 0,
        }
    }

    fn running(kpi: Kpi, status: KpiStatus, failure_hour: u32) -> Instance {
        Instance {
            ended_at: None,
            ..instance(kpi, status, failure_hour)
        }
    }

    #[test]
    fn the_running_timer_with_the_nearest_deadline_counts_down() {
        let timer = CaseTimer::of(&[
            running(Kpi::Resolve, KpiStatus::InProgress, 20),
            running(Kpi::FirstResponse, KpiStatus::InProgress, 10),
        ]);
        assert_eq!(timer.status, Some(KpiStatus::InProgress));
        assert_eq!(timer.deadline, Some(at(10)));
        assert_eq!(timer.warning_at, Some(at(9)));
    }

    #[test]
    fn a_breached_running_timer_comes_before_one_still_in_time() {
        let timer = CaseTimer::of(&[
            running(Kpi::FirstResponse, KpiStatus::InProgress, 10),
            running(Kpi::Resolve, KpiStatus::NonCompliant, 12),
        ]);
        assert_eq!(timer.status, Some(KpiStatus::NonCompliant));
        assert_eq!(timer.deadline, Some(at(12)));
    }

    #[test]
    fn a_running_timer_comes_before_a_paused_one_and_a_paused_one_before_an_ended_one() {
        let paused = instance(Kpi::Resolve, KpiStatus::Paused, 5);
        let kept = instance(Kpi::FirstResponse, KpiStatus::Succeeded, 3);
        let timer = CaseTimer::of(&[
            paused.clone(),
            running(Kpi::FirstResponse, KpiStatus::InProgress, 22),
        ]);
        assert_eq!(timer.deadline, Some(at(22)));
        let timer = CaseTimer::of(&[kept, paused]);
        assert_eq!(timer.status, Some(KpiStatus::Paused));
        assert_eq!(timer.deadline, None, "a paused timer does not count down");
        assert_eq!(timer.warning_at, None);
    }

    #[test]
    fn ended_timers_show_a_breach_first_and_cancelled_ones_nothing() {
        let timer = CaseTimer::of(&[
            instance(Kpi::FirstResponse, KpiStatus::Succeeded, 3),
            instance(Kpi::Resolve, KpiStatus::NonCompliant, 9),
        ]);
        assert_eq!(timer.status, Some(KpiStatus::NonCompliant));
        assert_eq!(timer.deadline, None);
        let timer = CaseTimer::of(&[
            instance(Kpi::FirstResponse, KpiStatus::Cancelled, 3),
            instance(Kpi::Resolve, KpiStatus::Cancelled, 9),
        ]);
        assert_eq!(timer, CaseTimer::default());
        assert_eq!(timer.status_at(at(23)), None);
    }

    #[test]
    fn a_running_timer_nears_and_breaches_with_time_alone() {
        let timer = CaseTimer::of(&[running(Kpi::Resolve, KpiStatus::InProgress, 10)]);
        assert_eq!(timer.status_at(at(8)), Some(KpiStatus::InProgress));
        assert_eq!(timer.status_at(at(9)), Some(KpiStatus::Nearing));
        assert_eq!(timer.status_at(at(10)), Some(KpiStatus::NonCompliant));
    }

    #[test]
    fn a_step_already_written_holds_whatever_the_time() {
        let nearing = CaseTimer::of(&[running(Kpi::Resolve, KpiStatus::Nearing, 10)]);
        assert_eq!(nearing.status_at(at(3)), Some(KpiStatus::Nearing));
        let breached = CaseTimer::of(&[running(Kpi::Resolve, KpiStatus::NonCompliant, 10)]);
        assert_eq!(breached.status_at(at(3)), Some(KpiStatus::NonCompliant));
        let ended = CaseTimer::of(&[instance(Kpi::Resolve, KpiStatus::Succeeded, 10)]);
        assert_eq!(ended.status_at(at(23)), Some(KpiStatus::Succeeded));
    }
}
