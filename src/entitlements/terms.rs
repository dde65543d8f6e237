//! Moving remaining terms with the case events that cause them.
//!
//! Terms move in the transaction of the case event itself (see
//! docs/entitlements.md): creating a case under "restrict" locks the
//! entitlement row, so two agents racing for the last term are serialised and
//! exactly one gets it; and a case event that rolls back takes nothing. Every
//! move is a ledger row, unique per case, entitlement, direction, stage and
//! round, so a retried or repeated event never takes twice.

use chrono::{DateTime, NaiveDate, Utc};
use serde_json::json;
use sqlx::{FromRow, PgConnection};
use uuid::Uuid;

/// What happened to the case.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CaseEvent {
    Created,
    Resolved,
    Cancelled,
    /// Back to active; `from_resolved` tells whether a resolution is undone.
    Reactivated {
        from_resolved: bool,
    },
    /// The case now points at another entitlement (or none), given the old one.
    Moved {
        from: Option<Uuid>,
    },
    /// "Não diminuir os termos do direito" switched on or off.
    ExemptionChanged,
}

impl CaseEvent {
    fn cause(self) -> &'static str {
        match self {
            CaseEvent::Created => "created",
            CaseEvent::Resolved => "resolved",
            CaseEvent::Cancelled => "cancelled",
            CaseEvent::Reactivated { .. } => "reactivated",
            CaseEvent::Moved { .. } => "moved",
            CaseEvent::ExemptionChanged => "exempted",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TermsError {
    /// "Restrict" is on and nothing remains (on the entitlement or on the case's channel).
    NothingRemains { entitlement: String },
    /// The entitlement is not active, or does not cover the case.
    NotOffered,
}

impl TermsError {
    pub fn key(&self) -> &'static str {
        match self {
            TermsError::NothingRemains { .. } => "entitlement-error-nothing-remains",
            TermsError::NotOffered => "entitlement-error-not-offered",
        }
    }
}

#[derive(Debug)]
pub enum Error {
    Refused(TermsError),
    Db(sqlx::Error),
}

impl From<sqlx::Error> for Error {
    fn from(err: sqlx::Error) -> Self {
        Error::Db(err)
    }
}

/// An entitlement the case form may offer.
#[derive(Debug, Clone, FromRow, PartialEq)]
pub struct Offered {
    pub id: Uuid,
    pub name: String,
    pub allocation: String,
    pub remaining_units: i32,
    /// What remains on the case's channel, when the entitlement gives it terms of its own.
    pub channel_remaining: Option<i32>,
    pub is_default: bool,
    pub restrict_creation: bool,
}

impl Offered {
    /// What a case of this channel can still take: the channel's own terms
    /// bound it as much as the entitlement's.
    pub fn remaining(&self) -> i32 {
        self.channel_remaining
            .map_or(self.remaining_units, |c| c.min(self.remaining_units))
    }

    /// Remaining terms as shown: cases, or hours as h:mm.
    pub fn remaining_text(&self) -> String {
        units_text(&self.allocation, self.remaining())
    }
}

pub fn units_text(allocation: &str, units: i32) -> String {
    if allocation == "hours" {
        let sign = if units < 0 { "-" } else { "" };
        let minutes = units.unsigned_abs();
        format!("{sign}{}:{:02} h", minutes / 60, minutes % 60)
    } else {
        units.to_string()
    }
}

const COVERS: &str = "e.status = 'active' and e.starts_on <= $2 and e.ends_on >= $2
     and (not exists (select from entitlement_channels ec where ec.entitlement_id = e.id)
          or exists (select from entitlement_channels ec where ec.entitlement_id = e.id and ec.channel_id = $3))
     and (not exists (select from entitlement_products ep where ep.entitlement_id = e.id)
          or exists (select from entitlement_products ep where ep.entitlement_id = e.id and ep.product_id = $4))";

/// The customer's active entitlements that cover the channel, product and date.
pub async fn offered(
    tx: &mut PgConnection,
    customer: Uuid,
    on: NaiveDate,
    channel: Option<Uuid>,
    product: Option<Uuid>,
) -> Result<Vec<Offered>, sqlx::Error> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "select e.id, e.name, e.allocation, e.remaining_units, e.is_default, e.restrict_creation,
                (select ec.remaining_units from entitlement_channels ec
                  where ec.entitlement_id = e.id and ec.channel_id = $3) as channel_remaining
           from entitlements e
          where e.customer_id = $1 and {COVERS}
          order by e.is_default desc, e.ends_on, e.name"
    )))
    .bind(customer)
    .bind(on)
    .bind(channel)
    .bind(product)
    .fetch_all(tx)
    .await
}

/// Locks the entitlement and tells whether "restrict" lets one more case be
/// created on it. The lock is held to the end of the transaction, so racing
/// creations are decided one after the other.
pub async fn check_restrict(
    tx: &mut PgConnection,
    entitlement: Uuid,
    channel: Option<Uuid>,
) -> Result<Result<(), TermsError>, sqlx::Error> {
    let (name, restrict, remaining, channel_remaining): (String, bool, i32, Option<i32>) = sqlx::query_as(
        "select e.name, e.restrict_creation, e.remaining_units,
                (select remaining_units from entitlement_channels where entitlement_id = e.id and channel_id = $2)
           from entitlements e where e.id = $1 for update",
    )
    .bind(entitlement)
    .bind(channel)
    .fetch_one(tx)
    .await?;
    let nothing_left = remaining <= 0 || channel_remaining.is_some_and(|r| r <= 0);
    Ok(if restrict && nothing_left {
        Err(TermsError::NothingRemains { entitlement: name })
    } else {
        Ok(())
    })
}

/// What the terms read of a case (its owner reads it for them).
#[derive(Debug, Clone, FromRow)]
pub struct CaseTerms {
    pub entitlement_id: Option<Uuid>,
    pub terms_exempt: bool,
    pub terms_round: i32,
    pub state: String,
    pub channel_id: Option<Uuid>,
    pub billable_minutes: i32,
    pub resolved_billable_minutes: Option<i32>,
}

/// What a case event did to the terms, for the case to record: one
/// timeline entry per move, and whether anything was given back (the
/// case's next takes then belong to a new round).
#[derive(Debug, Default)]
pub struct TermsMoved {
    pub entries: Vec<serde_json::Value>,
    pub gave_back: bool,
}

#[derive(FromRow)]
struct EntitlementTerms {
    name: String,
    allocation: String,
    decrease_on: String,
    restrict_creation: bool,
    remaining_units: i32,
    channel_remaining: Option<i32>,
}

#[derive(FromRow)]
struct Take {
    entitlement_id: Uuid,
    allocation: String,
    channel_id: Option<Uuid>,
    stage: String,
    round: i32,
    units: i32,
}

/// Moves terms for `event` on the case, as read after the case row got its
/// new state, in the same transaction.
pub async fn on_case_event(
    tx: &mut PgConnection,
    case_id: Uuid,
    case: CaseTerms,
    event: CaseEvent,
    actor: Option<Uuid>,
    now: DateTime<Utc>,
) -> Result<TermsMoved, Error> {
    let mut mover = Mover {
        case_id,
        cause: event.cause(),
        actor,
        now,
        round: case.terms_round,
        gave_back: false,
        entries: Vec::new(),
    };
    match event {
        CaseEvent::Created => {
            mover.take_due(tx, &case, Stage::Creation, true).await?;
        }
        CaseEvent::Resolved => {
            mover.take_due(tx, &case, Stage::Resolution, false).await?;
        }
        CaseEvent::Cancelled => {
            mover.give_back(tx, None, None).await?;
        }
        CaseEvent::Reactivated { from_resolved } => {
            if from_resolved {
                mover.give_back(tx, None, Some(Stage::Resolution)).await?;
            } else {
                mover.take_due(tx, &case, Stage::Creation, false).await?;
            }
        }
        CaseEvent::Moved { from } => {
            if let Some(old) = from {
                mover.give_back(tx, Some(old), None).await?;
            }
            mover.take_due(tx, &case, Stage::Creation, true).await?;
            if case.state == "resolved" {
                mover.take_due(tx, &case, Stage::Resolution, false).await?;
            }
        }
        CaseEvent::ExemptionChanged => {
            if case.terms_exempt {
                mover.give_back(tx, None, None).await?;
            } else {
                mover.take_due(tx, &case, Stage::Creation, false).await?;
                if case.state == "resolved" {
                    mover.take_due(tx, &case, Stage::Resolution, false).await?;
                }
            }
        }
    }
    Ok(TermsMoved {
        gave_back: mover.gave_back,
        entries: mover.entries,
    })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stage {
    Creation,
    Resolution,
}

impl Stage {
    fn as_str(self) -> &'static str {
        match self {
            Stage::Creation => "creation",
            Stage::Resolution => "resolution",
        }
    }
}

struct Mover {
    case_id: Uuid,
    cause: &'static str,
    actor: Option<Uuid>,
    now: DateTime<Utc>,
    round: i32,
    gave_back: bool,
    entries: Vec<serde_json::Value>,
}

impl Mover {
    /// Takes what `stage` owes under the entitlement's rule, if anything.
    /// `restricting`: this is a creation (or a move) that "restrict" may refuse.
    async fn take_due(
        &mut self,
        tx: &mut PgConnection,
        case: &CaseTerms,
        stage: Stage,
        restricting: bool,
    ) -> Result<(), Error> {
        let Some(entitlement) = case.entitlement_id.filter(|_| !case.terms_exempt) else {
            return Ok(());
        };
        // The lock that serialises racing creations against the last term.
        let terms: EntitlementTerms = sqlx::query_as(
            "select e.name, e.allocation, e.decrease_on, e.restrict_creation, e.remaining_units,
                    (select remaining_units from entitlement_channels where entitlement_id = e.id and channel_id = $2)
                        as channel_remaining
               from entitlements e where e.id = $1 for update",
        )
        .bind(entitlement)
        .bind(case.channel_id)
        .fetch_one(&mut *tx)
        .await?;
        let nothing_left =
            terms.remaining_units <= 0 || terms.channel_remaining.is_some_and(|r| r <= 0);
        if restricting && terms.restrict_creation && nothing_left {
            return Err(Error::Refused(TermsError::NothingRemains {
                entitlement: terms.name,
            }));
        }
        let owed = match (terms.allocation.as_str(), terms.decrease_on.as_str(), stage) {
            ("cases", "creation", Stage::Creation) | ("cases", "resolution", Stage::Resolution) => {
                1
            }
            ("hours", _, Stage::Resolution) => case
                .resolved_billable_minutes
                .unwrap_or(case.billable_minutes),
            _ => return Ok(()),
        };
        // Under "restrict" nothing is taken beyond what remains.
        let units = if terms.restrict_creation {
            let room = terms
                .channel_remaining
                .map_or(terms.remaining_units, |c| c.min(terms.remaining_units));
            owed.min(room.max(0))
        } else {
            owed
        };
        let channel = terms.channel_remaining.and(case.channel_id);
        let inserted = sqlx::query(
            "insert into entitlement_ledger (tenant_id, id, entitlement_id, case_id, channel_id, direction, stage,
                                             round, event, units, actor_id, at)
             values (app_tenant_id(), $1, $2, $3, $4, 'take', $5, $6, $7, $8, $9, $10)
             on conflict do nothing",
        )
        .bind(Uuid::now_v7())
        .bind(entitlement)
        .bind(self.case_id)
        .bind(channel)
        .bind(stage.as_str())
        .bind(self.round)
        .bind(self.cause)
        .bind(units)
        .bind(self.actor)
        .bind(self.now)
        .execute(&mut *tx)
        .await?
        .rows_affected()
            == 1;
        if inserted {
            move_remaining(tx, entitlement, channel, -units).await?;
            self.record("take", &terms.allocation, units);
        }
        Ok(())
    }

    /// Gives back every take not yet given back (of one entitlement and one
    /// stage when named).
    async fn give_back(
        &mut self,
        tx: &mut PgConnection,
        entitlement: Option<Uuid>,
        stage: Option<Stage>,
    ) -> Result<(), Error> {
        let takes: Vec<Take> = sqlx::query_as(
            "select t.entitlement_id, e.allocation, t.channel_id, t.stage, t.round, t.units
               from entitlement_ledger t join entitlements e on e.id = t.entitlement_id
              where t.case_id = $1 and t.direction = 'take'
                and ($2::uuid is null or t.entitlement_id = $2)
                and ($3::text is null or t.stage = $3)
                and not exists (select from entitlement_ledger g
                                 where g.case_id = t.case_id and g.entitlement_id = t.entitlement_id
                                   and g.direction = 'give_back' and g.stage = t.stage and g.round = t.round)",
        )
        .bind(self.case_id)
        .bind(entitlement)
        .bind(stage.map(Stage::as_str))
        .fetch_all(&mut *tx)
        .await?;
        for take in takes {
            let inserted = sqlx::query(
                "insert into entitlement_ledger (tenant_id, id, entitlement_id, case_id, channel_id, direction, stage,
                                                 round, event, units, actor_id, at)
                 values (app_tenant_id(), $1, $2, $3, $4, 'give_back', $5, $6, $7, $8, $9, $10)
                 on conflict do nothing",
            )
            .bind(Uuid::now_v7())
            .bind(take.entitlement_id)
            .bind(self.case_id)
            .bind(take.channel_id)
            .bind(&take.stage)
            .bind(take.round)
            .bind(self.cause)
            .bind(take.units)
            .bind(self.actor)
            .bind(self.now)
            .execute(&mut *tx)
            .await?
            .rows_affected()
                == 1;
            if inserted {
                sqlx::query("select 1 from entitlements where id = $1 for update")
                    .bind(take.entitlement_id)
                    .execute(&mut *tx)
                    .await?;
                move_remaining(tx, take.entitlement_id, take.channel_id, take.units).await?;
                self.record("give_back", &take.allocation, take.units);
                self.gave_back = true;
            }
        }
        if self.gave_back {
            self.round += 1;
        }
        Ok(())
    }

    fn record(&mut self, direction: &str, allocation: &str, units: i32) {
        self.entries.push(json!({
            "direction": direction,
            "cause": self.cause,
            "units": units_text(allocation, units),
        }));
    }
}

async fn move_remaining(
    tx: &mut PgConnection,
    entitlement: Uuid,
    channel: Option<Uuid>,
    delta: i32,
) -> Result<(), sqlx::Error> {
    sqlx::query("update entitlements set remaining_units = remaining_units + $2 where id = $1")
        .bind(entitlement)
        .bind(delta)
        .execute(&mut *tx)
        .await?;
    if let Some(channel) = channel {
        sqlx::query(
            "update entitlement_channels set remaining_units = remaining_units + $3
              where entitlement_id = $1 and channel_id = $2",
        )
        .bind(entitlement)
        .bind(channel)
        .bind(delta)
        .execute(&mut *tx)
        .await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hours_show_as_hours_and_minutes() {
        assert_eq!(units_text("hours", 125), "2:05 h");
        assert_eq!(units_text("hours", -30), "-0:30 h");
        assert_eq!(units_text("cases", 7), "7");
    }

    #[test]
    fn a_channel_with_terms_of_its_own_bounds_what_remains() {
        let mut offered = Offered {
            id: Uuid::now_v7(),
            name: "Zap".into(),
            allocation: "cases".into(),
            remaining_units: 1,
            channel_remaining: Some(0),
            is_default: false,
            restrict_creation: false,
        };
        assert_eq!(offered.remaining_text(), "0");
        offered.channel_remaining = Some(3);
        assert_eq!(
            offered.remaining(),
            1,
            "the entitlement's own bound holds too"
        );
        offered.channel_remaining = None;
        assert_eq!(offered.remaining(), 1);
    }
}
