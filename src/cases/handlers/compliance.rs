//! The supervisors' SLA compliance panel on the case views: KPI instances
//! by status over the active cases and the cases closed in the last month.
//! The view loads it after the list and it refreshes itself every minute,
//! so the list never waits for a count over tens of thousands of timers;
//! each workspace is counted at most once a minute (`compliance_cache`).

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;

use crate::app::AppState;
use crate::auth::signed_in::{SignedIn, Supervisor};
use crate::cases::compliance_cache::Counted;
use crate::cases::store;
use crate::error::Result;
use crate::sla::model::KpiStatus;
use crate::web::page::PageCtx;

/// One figure of the compliance panel.
pub struct ComplianceCount {
    pub status: KpiStatus,
    pub total: i64,
}

impl ComplianceCount {
    /// The panel's statuses in their reading order, zero when absent.
    fn from_groups(groups: &[(String, i64)]) -> Vec<ComplianceCount> {
        [
            KpiStatus::InProgress,
            KpiStatus::Nearing,
            KpiStatus::NonCompliant,
            KpiStatus::Succeeded,
            KpiStatus::Paused,
        ]
        .into_iter()
        .map(|status| ComplianceCount {
            status,
            total: groups
                .iter()
                .find(|(s, _)| s == status.as_str())
                .map_or(0, |(_, n)| *n),
        })
        .collect()
    }

    /// The chip colour the count is drawn in.
    pub fn tone(&self) -> &'static str {
        self.status.tone()
    }
}

/// How far back closed cases count in the compliance panel.
const COMPLIANCE_DAYS: i64 = 30;

#[derive(Template, WebTemplate)]
#[template(path = "cases/_sla_compliance.html")]
pub struct CompliancePanel {
    pub ctx: PageCtx,
    pub counts: Vec<ComplianceCount>,
    pub counted_at: chrono::DateTime<chrono::Utc>,
}

pub async fn compliance_panel(
    State(state): State<AppState>,
    mut s: SignedIn<Supervisor>,
) -> Result<CompliancePanel> {
    let cache = state.compliance();
    let counted = match cache.fresh(s.user.tenant_id, s.now) {
        Some(counted) => counted,
        None => {
            let since = s.now - chrono::Duration::days(COMPLIANCE_DAYS);
            let counted = Counted {
                at: s.now,
                groups: store::compliance_counts(&mut s.tx, since).await?,
            };
            cache.keep(s.user.tenant_id, counted.clone());
            counted
        }
    };
    let panel = CompliancePanel {
        ctx: s.page.clone(),
        counts: ComplianceCount::from_groups(&counted.groups),
        counted_at: counted.at,
    };
    s.tx.finish_reading();
    Ok(panel)
}
