//! The case views and what narrows them: the view, filters, sort, page size
//! and the keyset cursor, all read from (and written back to) the URL.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Deserialize;
use uuid::Uuid;

use crate::catalog::model::optional_id;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum View {
    Mine,
    Active,
    Unassigned,
    Resolved,
    Cancelled,
    Created,
    Following,
    /// Active cases whose SLA timer is past its warning time and not yet
    /// breached, soonest deadline first.
    Nearing,
    /// Active cases whose owner was deactivated: the supervisors' list for
    /// giving them to someone else.
    Orphaned,
    /// Every case, whatever its state: the dashboard's counts of cases
    /// opened on a day list here.
    All,
    /// The items of queues (`ViewSpec::queues`): the queue pages, not a tab
    /// of the case views.
    Queued,
}

impl View {
    pub const ALL: [View; 10] = [
        View::Mine,
        View::Active,
        View::Unassigned,
        View::Resolved,
        View::Cancelled,
        View::Created,
        View::Following,
        View::Nearing,
        View::Orphaned,
        View::All,
    ];

    pub fn parse(text: &str) -> View {
        View::ALL
            .into_iter()
            .chain([View::Queued])
            .find(|v| v.as_str() == text)
            .unwrap_or(View::Mine)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            View::Mine => "mine",
            View::Active => "active",
            View::Unassigned => "unassigned",
            View::Resolved => "resolved",
            View::Cancelled => "cancelled",
            View::Created => "created",
            View::Following => "following",
            View::Nearing => "nearing",
            View::Orphaned => "orphaned",
            View::All => "all",
            View::Queued => "queued",
        }
    }

    pub fn label_key(self) -> &'static str {
        match self {
            View::Mine => "view-mine",
            View::Active => "view-active",
            View::Unassigned => "view-unassigned",
            View::Resolved => "view-resolved",
            View::Cancelled => "view-cancelled",
            View::Created => "view-created",
            View::Following => "view-following",
            View::Nearing => "view-nearing",
            View::Orphaned => "view-orphaned",
            View::All => "view-all",
            View::Queued => "nav-queues",
        }
    }

    /// Whether the sort orders this view's cases at all. In the views of
    /// closed cases no deadline runs, so every case has the same deadline:
    /// sorting by it left the cases in no order a user could see and sorted
    /// every resolved case of the workspace to do it.
    pub fn offers(self, sort: Sort) -> bool {
        match sort {
            Sort::Deadline => !matches!(self, View::Resolved | View::Cancelled),
            // Only queue items have a place in a queue.
            Sort::Queued => self == View::Queued,
            _ => true,
        }
    }

    /// The columns shown until the user chooses others: what tells this
    /// view's cases apart. The owner is left out where it is the user or
    /// nobody, the resolution time where nothing is resolved; in the
    /// resolved view the SLA column says whether the promises were kept.
    /// Each view keeps the column it is sorted by.
    pub fn default_columns(self) -> &'static [Sort] {
        use Sort::*;
        match self {
            View::Mine => &[
                Number, Title, Customer, Priority, Status, Deadline, Opened, Updated,
            ],
            View::Unassigned => &[
                Number, Title, Customer, Priority, Status, Deadline, Opened, Updated,
            ],
            View::Resolved => &[
                Number, Title, Customer, Status, Owner, Deadline, Opened, Resolved,
            ],
            View::Cancelled => &[Number, Title, Customer, Status, Owner, Opened, Updated],
            View::Active
            | View::Created
            | View::Following
            | View::Nearing
            | View::Orphaned
            | View::All => &[
                Number, Title, Customer, Priority, Status, Owner, Deadline, Opened, Updated,
            ],
            View::Queued => &[
                Number, Title, Customer, Priority, Status, Owner, Deadline, Queued,
            ],
        }
    }

    /// Closed views read best newest-closed first.
    pub fn default_sort(self) -> (Sort, bool) {
        match self {
            View::Resolved => (Sort::Resolved, true),
            View::Nearing => (Sort::Deadline, false),
            // First come, first served; what nobody works on before the rest.
            View::Queued => (Sort::Queued, false),
            _ => (Sort::Opened, true),
        }
    }
}

/// Columns a view can be sorted on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sort {
    Number,
    Title,
    Customer,
    Priority,
    Status,
    Owner,
    /// The nearest running SLA deadline (cases without one last).
    Deadline,
    Opened,
    Updated,
    Resolved,
    /// The place in its queue: items nobody works on first, each group in
    /// the order they came in. The column shows how long each has waited.
    Queued,
}

impl Sort {
    pub const ALL: [Sort; 11] = [
        Sort::Number,
        Sort::Title,
        Sort::Customer,
        Sort::Priority,
        Sort::Status,
        Sort::Owner,
        Sort::Deadline,
        Sort::Opened,
        Sort::Updated,
        Sort::Resolved,
        Sort::Queued,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Sort::Number => "number",
            Sort::Title => "title",
            Sort::Customer => "customer",
            Sort::Priority => "priority",
            Sort::Status => "status",
            Sort::Owner => "owner",
            Sort::Deadline => "deadline",
            Sort::Opened => "opened",
            Sort::Updated => "updated",
            Sort::Resolved => "resolved",
            Sort::Queued => "queued",
        }
    }

    pub fn parse(text: &str) -> Option<Sort> {
        Sort::ALL.into_iter().find(|s| s.as_str() == text)
    }

    /// The number and the title name a case: every view shows them.
    pub fn always_shown(self) -> bool {
        matches!(self, Sort::Number | Sort::Title)
    }

    /// Whether the sorted value is a number, text or time, so a cursor is
    /// read and compared in the right type.
    pub fn kind(self) -> SortType {
        match self {
            Sort::Number | Sort::Priority => SortType::Int,
            Sort::Title | Sort::Customer | Sort::Status | Sort::Owner => SortType::Text,
            Sort::Deadline | Sort::Opened | Sort::Updated | Sort::Resolved | Sort::Queued => {
                SortType::Time
            }
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortType {
    Int,
    Text,
    Time,
}

/// The columns a view shows: the number and title, then the columns chosen
/// (or the view's defaults when none were chosen), in the table's order.
pub fn columns(view: View, chosen: Option<&[String]>) -> Vec<Sort> {
    let shown = |sort: Sort| match chosen {
        Some(chosen) => chosen.iter().any(|c| c == sort.as_str()),
        None => view.default_columns().contains(&sort),
    };
    Sort::ALL
        .into_iter()
        .filter(|sort| sort.always_shown() || shown(*sort))
        .collect()
}

/// The value of the sort column at the last row shown, and that row's id.
#[derive(Debug, Clone, PartialEq)]
pub enum CursorValue {
    Int(i64),
    Text(String),
    Time(DateTime<Utc>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Cursor {
    pub value: CursorValue,
    pub id: Uuid,
}

impl Cursor {
    /// "<value>~<uuid>", value in the sort's own type.
    pub fn parse(text: &str, kind: SortType) -> Option<Cursor> {
        let (value, id) = text.rsplit_once('~')?;
        let id = Uuid::parse_str(id).ok()?;
        let value = match kind {
            SortType::Int => CursorValue::Int(value.parse().ok()?),
            SortType::Text => CursorValue::Text(value.to_owned()),
            SortType::Time => CursorValue::Time(
                DateTime::parse_from_rfc3339(value)
                    .ok()?
                    .with_timezone(&Utc),
            ),
        };
        Some(Cursor { value, id })
    }

    pub fn encode(&self) -> String {
        let value = match &self.value {
            CursorValue::Int(n) => n.to_string(),
            CursorValue::Text(t) => t.clone(),
            CursorValue::Time(t) => t.to_rfc3339_opts(chrono::SecondsFormat::Micros, true),
        };
        format!("{value}~{}", self.id)
    }
}

#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default)]
pub struct ViewQuery {
    pub view: String,
    pub q: String,
    pub status: String,
    pub priority: String,
    pub subject: String,
    pub owner: String,
    pub team: String,
    pub customer: String,
    pub channel: String,
    pub from: String,
    pub to: String,
    pub sort: String,
    pub dir: String,
    pub per: String,
    pub after: String,
    /// A page ending just before this cursor: the way back.
    pub before: String,
    /// The position of the page's first case in the view, carried from
    /// page to page (keyset pages know no offset).
    pub start: String,
    pub chart: String,
    /// On the queue pages: one queue's items (else those of my queues).
    pub queue: String,
    /// Closed (resolved or cancelled) from and to these days.
    pub closed_from: String,
    pub closed_to: String,
    /// "met" or "breached": how the case's SLA timer ended.
    pub sla: String,
}

/// The parsed view: what the list shows and in which order.
#[derive(Debug, Clone)]
pub struct ViewSpec {
    pub view: View,
    pub q: String,
    pub status: Option<Uuid>,
    pub priority: Option<Uuid>,
    pub subject: Option<Uuid>,
    pub owner: Option<Uuid>,
    pub team: Option<Uuid>,
    pub customer: Option<Uuid>,
    pub channel: Option<Uuid>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub sort: Sort,
    pub descending: bool,
    pub per_page: i64,
    pub after: Option<Cursor>,
    pub before: Option<Cursor>,
    /// Position of the page's first case (1 on the first page).
    pub start: i64,
    /// The instant the view is read at (the "nearing" view depends on it).
    pub now: DateTime<Utc>,
    pub closed_from: Option<NaiveDate>,
    pub closed_to: Option<NaiveDate>,
    pub sla: Option<SlaEnd>,
    /// The queues whose items the `Queued` view lists.
    pub queues: Vec<Uuid>,
    /// Private queues whose items the reader may not see, left out of
    /// every view.
    pub hidden_queues: Vec<Uuid>,
}

pub const PAGE_SIZES: [i64; 3] = [25, 50, 100];

/// How a closed case's SLA timer ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SlaEnd {
    Met,
    Breached,
}

impl SlaEnd {
    pub fn parse(text: &str) -> Option<SlaEnd> {
        match text {
            "met" => Some(SlaEnd::Met),
            "breached" => Some(SlaEnd::Breached),
            _ => None,
        }
    }

    /// The timer status on the case row that says so.
    pub fn status(self) -> &'static str {
        match self {
            SlaEnd::Met => "succeeded",
            SlaEnd::Breached => "non_compliant",
        }
    }
}

impl ViewSpec {
    /// Reads the query leniently: anything malformed (a bad id, an unknown
    /// sort) falls back to the default rather than failing the list.
    pub fn parse(query: &ViewQuery) -> ViewSpec {
        let view = View::parse(&query.view);
        let (default_sort, default_desc) = view.default_sort();
        let parsed = Sort::parse(&query.sort);
        let asked = parsed.filter(|sort| view.offers(*sort));
        let sort = asked.unwrap_or(default_sort);
        // A direction meant for a sort the view does not offer is dropped
        // with it.
        let refused = parsed.is_some() && asked.is_none();
        let descending = match query.dir.as_str() {
            _ if refused => default_desc,
            "asc" => false,
            "desc" => true,
            _ if asked.is_some() => !matches!(
                sort,
                Sort::Title | Sort::Customer | Sort::Status | Sort::Owner | Sort::Deadline
            ),
            _ => default_desc,
        };
        let after = Cursor::parse(&query.after, sort.kind());
        let before = match after {
            Some(_) => None,
            None => Cursor::parse(&query.before, sort.kind()),
        };
        // Without a cursor this is the first page, whatever the link said.
        let start = match (&after, &before) {
            (None, None) => 1,
            _ => query.start.parse().unwrap_or(1_i64).clamp(1, 1_000_000_000),
        };
        let id = |text: &str| optional_id(text).ok().flatten();
        let date = |text: &str| crate::web::form::date(text).ok();
        ViewSpec {
            view,
            q: query.q.trim().chars().take(200).collect(),
            status: id(&query.status),
            priority: id(&query.priority),
            subject: id(&query.subject),
            owner: id(&query.owner),
            team: id(&query.team),
            customer: id(&query.customer),
            channel: id(&query.channel),
            from: date(&query.from),
            to: date(&query.to),
            sort,
            descending,
            per_page: query
                .per
                .parse()
                .ok()
                .filter(|n| PAGE_SIZES.contains(n))
                .unwrap_or(25),
            after,
            before,
            start,
            now: Utc::now(),
            closed_from: date(&query.closed_from),
            closed_to: date(&query.closed_to),
            sla: SlaEnd::parse(&query.sla),
            queues: Vec::new(),
            hidden_queues: Vec::new(),
        }
    }

    /// Whether the view is narrowed by text typed (not a case number).
    pub fn searches_text(&self) -> bool {
        let q = self.q.trim();
        !q.is_empty() && crate::cases::model::CaseNumber::parse(q).is_none()
    }

    /// The same view read backwards from the `before` cursor: the page
    /// before it, nearest case first.
    pub fn backwards(&self) -> ViewSpec {
        ViewSpec {
            descending: !self.descending,
            after: self.before.clone(),
            before: None,
            ..self.clone()
        }
    }

    /// The view as read at `now`: the request's clock.
    pub fn at(self, now: DateTime<Utc>) -> ViewSpec {
        ViewSpec { now, ..self }
    }

    /// The view without the items of the private queues `hidden` (those
    /// the reader is not a member of).
    pub fn hiding(self, hidden: Vec<Uuid>) -> ViewSpec {
        ViewSpec {
            hidden_queues: hidden,
            ..self
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_or_missing_parameters_fall_back_to_my_active_cases() {
        let spec = ViewSpec::parse(&ViewQuery {
            view: "everything".into(),
            sort: "drop table".into(),
            per: "1000".into(),
            status: "not-a-uuid".into(),
            ..ViewQuery::default()
        });
        assert_eq!(spec.view, View::Mine);
        assert_eq!((spec.sort, spec.descending), (Sort::Opened, true));
        assert_eq!(spec.per_page, 25);
        assert_eq!(spec.status, None);
    }

    #[test]
    fn the_views_of_closed_cases_fall_back_from_the_deadline_sort() {
        for view in ["resolved", "cancelled"] {
            let spec = ViewSpec::parse(&ViewQuery {
                view: view.into(),
                sort: "deadline".into(),
                dir: "asc".into(),
                ..ViewQuery::default()
            });
            assert_eq!(
                (spec.sort, spec.descending),
                spec.view.default_sort(),
                "{view}"
            );
        }
        let active = ViewSpec::parse(&ViewQuery {
            view: "active".into(),
            sort: "deadline".into(),
            ..ViewQuery::default()
        });
        assert_eq!((active.sort, active.descending), (Sort::Deadline, false));
    }

    #[test]
    fn cursors_round_trip_in_their_own_type() {
        let id = Uuid::now_v7();
        let at = Utc::now();
        for (cursor, kind) in [
            (
                Cursor {
                    value: CursorValue::Int(42),
                    id,
                },
                SortType::Int,
            ),
            (
                Cursor {
                    value: CursorValue::Text("padaria ~ são joão".into()),
                    id,
                },
                SortType::Text,
            ),
            (
                Cursor {
                    value: CursorValue::Time(at),
                    id,
                },
                SortType::Time,
            ),
        ] {
            let parsed = Cursor::parse(&cursor.encode(), kind).expect("parses");
            assert_eq!(parsed.id, id);
            if let (CursorValue::Time(a), CursorValue::Time(b)) = (&parsed.value, &cursor.value) {
                assert_eq!(a.timestamp_micros(), b.timestamp_micros());
            } else {
                assert_eq!(parsed, cursor);
            }
        }
        assert_eq!(Cursor::parse("abc~not-a-uuid", SortType::Text), None);
        assert_eq!(
            Cursor::parse("abc~00000000-0000-0000-0000-000000000000", SortType::Int),
            None
        );
    }

    #[test]
    fn text_columns_sort_ascending_and_dates_descending_by_default() {
        let by = |sort: &str| {
            ViewSpec::parse(&ViewQuery {
                sort: sort.into(),
                ..ViewQuery::default()
            })
            .descending
        };
        assert!(!by("title"));
        assert!(by("opened"));
        assert!(by("priority"));
        let resolved = ViewSpec::parse(&ViewQuery {
            view: "resolved".into(),
            ..ViewQuery::default()
        });
        assert_eq!(resolved.sort, Sort::Resolved);
        let nearing = ViewSpec::parse(&ViewQuery {
            view: "nearing".into(),
            ..ViewQuery::default()
        });
        assert_eq!((nearing.sort, nearing.descending), (Sort::Deadline, false));
        assert!(!by("deadline"), "soonest deadline first");
    }
}
