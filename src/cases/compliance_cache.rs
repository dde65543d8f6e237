//! The compliance panel's counts per workspace, kept for a minute: the
//! panel refreshes itself every minute in every supervisor's tab, and one
//! count reads every KPI instance of the active cases and of a month's
//! closed ones. However many supervisors watch, a workspace is counted at
//! most once a minute, and the panel says when.

use std::collections::HashMap;
use std::sync::Mutex;

use chrono::{DateTime, Duration, Utc};
use uuid::Uuid;

/// How long a count is shown before it is counted again.
pub const KEPT_FOR: Duration = Duration::seconds(60);

/// KPI instances by status, and when they were counted.
#[derive(Debug, Clone)]
pub struct Counted {
    pub at: DateTime<Utc>,
    pub groups: Vec<(String, i64)>,
}

#[derive(Default)]
pub struct ComplianceCache {
    by_tenant: Mutex<HashMap<Uuid, Counted>>,
}

impl ComplianceCache {
    /// The workspace's count, if it was counted less than a minute before `now`.
    pub fn fresh(&self, tenant: Uuid, now: DateTime<Utc>) -> Option<Counted> {
        let by_tenant = self.by_tenant.lock().unwrap_or_else(|e| e.into_inner());
        by_tenant
            .get(&tenant)
            .filter(|counted| now - counted.at < KEPT_FOR && counted.at <= now)
            .cloned()
    }

    pub fn keep(&self, tenant: Uuid, counted: Counted) {
        let mut by_tenant = self.by_tenant.lock().unwrap_or_else(|e| e.into_inner());
        by_tenant.insert(tenant, counted);
    }
}
