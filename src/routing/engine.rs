//! Which rule routes a case: the active set's rules in order, the first
//! whose condition holds and whose target is still active; a rule pointing
//! at a queue, team or user no longer active is passed over (and said so
//! on the case's timeline by whoever applies the result).

use sqlx::PgConnection;
use uuid::Uuid;

use crate::routing::condition::CaseFacts;
use crate::routing::model::{Assign, Target};
use crate::routing::store::{self, RuleRow};

/// Where the first matching rule sends the case.
#[derive(Debug, Clone, PartialEq)]
pub struct Routed {
    pub rule: String,
    pub target: Target,
    /// The target's name as shown.
    pub target_name: String,
    /// The member the rule gave the case to, with their name.
    pub assignee: Option<(Uuid, String)>,
}

/// What routing found: the rules passed over for an inactive target, and
/// the rule that routed the case, if any did.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Decision {
    pub skipped: Vec<String>,
    pub routed: Option<Routed>,
}

/// The active set of the workspace and its rules, as the request's cache
/// holds them.
#[derive(Debug, Clone, Default)]
pub struct ActiveRules {
    pub set: Option<store::RuleSetRow>,
    pub rules: Vec<RuleRow>,
}

impl ActiveRules {
    pub async fn load(tx: &mut PgConnection) -> Result<ActiveRules, sqlx::Error> {
        let Some(set) = store::active_set(tx).await? else {
            return Ok(ActiveRules::default());
        };
        let rules = store::rules(tx, set.id).await?;
        Ok(ActiveRules {
            set: Some(set),
            rules,
        })
    }

    /// Whether new cases of `channel` are routed as they come in.
    pub fn routes_new_cases_of(&self, channel: Option<Uuid>) -> bool {
        match (&self.set, channel) {
            (Some(set), Some(channel)) => set.auto_channels.contains(&channel),
            _ => false,
        }
    }
}

/// A target as routing needs it: its name, whether it is active, and the
/// active users a case routed there can be given to.
#[derive(Debug, Clone)]
pub struct TargetState {
    pub name: String,
    pub active: bool,
    pub members: Vec<Uuid>,
}

/// Reads the state of targets. The routing store knows rules only; queues,
/// teams and users belong to their features.
pub async fn target_state(
    tx: &mut PgConnection,
    target: Target,
) -> Result<Option<TargetState>, sqlx::Error> {
    let row: Option<(String, bool, Vec<Uuid>)> = match target {
        Target::Queue(id) => {
            sqlx::query_as(
                "select catalog_name(q.name, q.names), q.active,
                        array(select u.id from users u where u.active and u.id in (
                              select m.user_id from queue_members m where m.queue_id = q.id
                              union select t.user_id from queue_members m
                                join team_members t on t.team_id = m.team_id where m.queue_id = q.id)
                              order by u.id)
                   from queues q where q.id = $1",
            )
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?
        }
        Target::Team(id) => {
            sqlx::query_as(
                "select catalog_name(t.name, t.names), t.active,
                        array(select u.id from team_members m join users u on u.id = m.user_id
                               where m.team_id = t.id and u.active order by u.id)
                   from teams t where t.id = $1",
            )
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?
        }
        Target::User(id) => {
            sqlx::query_as("select name, active, array[id] from users where id = $1")
                .bind(id)
                .fetch_optional(&mut *tx)
                .await?
        }
    };
    Ok(row.map(|(name, active, members)| TargetState {
        name,
        active,
        members,
    }))
}

/// Routes a case with these facts by `rules`.
pub async fn decide(
    tx: &mut PgConnection,
    rules: &ActiveRules,
    facts: &CaseFacts,
) -> Result<Decision, sqlx::Error> {
    let mut decision = Decision::default();
    for rule in &rules.rules {
        if !rule.condition.holds(facts) {
            continue;
        }
        let state = target_state(tx, rule.target).await?;
        let Some(state) = state.filter(|s| s.active) else {
            decision.skipped.push(rule.name.clone());
            continue;
        };
        let assignee = match (rule.target, rule.assign) {
            (Target::User(id), _) => Some(id),
            (_, Assign::None) => None,
            (_, Assign::RoundRobin) => store::next_turn(tx, rule.id, &state.members).await?,
            (_, Assign::LeastOpen) => least_open(tx, &state.members).await?,
        };
        let assignee = match assignee {
            Some(id) => sqlx::query_scalar::<_, String>("select name from users where id = $1")
                .bind(id)
                .fetch_optional(&mut *tx)
                .await?
                .map(|name| (id, name)),
            None => None,
        };
        decision.routed = Some(Routed {
            rule: rule.name.clone(),
            target: rule.target,
            target_name: state.name,
            assignee,
        });
        break;
    }
    Ok(decision)
}

/// The member with the fewest open cases (the first by id among equals).
async fn least_open(tx: &mut PgConnection, members: &[Uuid]) -> Result<Option<Uuid>, sqlx::Error> {
    if members.is_empty() {
        return Ok(None);
    }
    sqlx::query_scalar(
        "select m.id from unnest($1::uuid[]) as m(id)
          order by (select count(*) from case_refs c where c.owner_user_id = m.id and c.state = 'active'), m.id
          limit 1",
    )
    .bind(members)
    .fetch_optional(tx)
    .await
}

impl crate::db::list_cache::Lists {
    /// The workspace's active rule set and its rules.
    pub async fn routing_rules(&self, tx: &mut PgConnection) -> Result<ActiveRules, sqlx::Error> {
        self.get("routing:active", ActiveRules::load(tx)).await
    }
}
