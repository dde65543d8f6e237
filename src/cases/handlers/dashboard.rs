//! The supervisor's dashboard (`/dashboard`): open cases by queue, owner,
//! priority and status; opened and resolved per day; the age of open
//! cases; SLA met and breached per week; the cases nearing breach; each
//! agent's load. Charts are drawn here as SVG, each beside a table of the
//! same numbers, and every number links to the case view that lists those
//! cases, with the same team.

use askama::Template;
use askama_web::WebTemplate;
use chrono::{DateTime, Datelike, Duration, NaiveDate, TimeZone, Utc};
use serde::Deserialize;
use uuid::Uuid;

use crate::auth::signed_in::{SignedIn, Supervisor};
use crate::cases::store::{self, CaseRow, OpenBy};
use crate::cases::views::{View, ViewQuery, ViewSpec};
use crate::catalog::names::Named;
use crate::catalog::store::Choice;
use crate::error::Result;
use crate::web::form::Query;
use crate::web::page::PageCtx;

/// Days the dashboard covers when no range is chosen.
const DEFAULT_DAYS: i64 = 30;
/// The longest range: a quarter, day by day.
const MAX_DAYS: i64 = 92;

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct DashboardQuery {
    team: String,
    from: String,
    to: String,
}

/// One counted group: its label, its count and the view that lists it.
pub struct Counted {
    pub label: String,
    pub count: i64,
    pub href: String,
    pub color: String,
}

/// A horizontal bar chart and its rows.
pub struct Bars {
    pub title_key: &'static str,
    pub rows: Vec<Counted>,
    pub height: i64,
    pub bars: Vec<(i64, i64)>,
}

impl Bars {
    fn of(title_key: &'static str, rows: Vec<Counted>) -> Bars {
        let max = rows.iter().map(|r| r.count).max().unwrap_or(1).max(1);
        let bars = rows
            .iter()
            .enumerate()
            .map(|(i, r)| (i as i64 * 26, (r.count * 360 / max).max(2)))
            .collect();
        Bars {
            title_key,
            height: (rows.len() as i64 * 26).max(26),
            rows,
            bars,
        }
    }
}

/// A day of the opened-versus-resolved chart.
pub struct Day {
    pub label: String,
    pub opened: i64,
    pub resolved: i64,
    pub opened_href: String,
    pub resolved_href: String,
    /// Column positions and heights in the SVG.
    pub x: i64,
    pub opened_h: i64,
    pub resolved_h: i64,
}

pub struct Week {
    pub label: String,
    pub met: i64,
    pub breached: i64,
    pub met_href: String,
    pub breached_href: String,
    pub x: i64,
    pub met_h: i64,
    pub breached_h: i64,
}

pub struct Load {
    pub name: String,
    pub open: i64,
    pub open_href: String,
    pub minutes: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "cases/dashboard.html")]
pub struct DashboardPage {
    pub ctx: PageCtx,
    pub teams: Vec<Choice>,
    pub team: String,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub open_groups: Vec<Bars>,
    pub days: Vec<Day>,
    pub day_width: i64,
    pub ages: Bars,
    pub weeks: Vec<Week>,
    pub week_width: i64,
    pub nearing: Vec<CaseRow>,
    pub nearing_href: String,
    pub load: Vec<Load>,
}

impl DashboardPage {
    pub fn selected(&self, id: &Uuid) -> bool {
        self.team == id.to_string()
    }
}

/// A link to a case view, keeping the team.
fn view_link(team: Option<Uuid>, params: &[(&str, String)]) -> String {
    let mut pairs = form_urlencoded::Serializer::new(String::new());
    for (k, v) in params {
        pairs.append_pair(k, v);
    }
    if let Some(team) = team {
        pairs.append_pair("team", &team.to_string());
    }
    format!("/cases?{}", pairs.finish())
}

pub async fn dashboard(
    s: SignedIn<Supervisor>,
    Query(q): Query<DashboardQuery>,
) -> Result<DashboardPage> {
    let mut s = s.as_agent();
    let tz = s.page.tz;
    let today = s.now.with_timezone(&tz).date_naive();
    let date = |text: &str| crate::web::form::date(text).ok();
    let to = date(&q.to).filter(|d| *d <= today).unwrap_or(today);
    let from = date(&q.from)
        .filter(|d| *d <= to && (to - *d).num_days() < MAX_DAYS)
        .unwrap_or(to - Duration::days(DEFAULT_DAYS - 1));
    let teams = s.lists.teams(&mut s.tx).await?;
    let team = Uuid::parse_str(q.team.trim())
        .ok()
        .filter(|t| teams.iter().any(|c| c.id == *t));
    let day_start = |d: NaiveDate| -> DateTime<Utc> {
        tz.from_local_datetime(&d.and_time(chrono::NaiveTime::MIN))
            .earliest()
            .map_or_else(
                || d.and_time(chrono::NaiveTime::MIN).and_utc(),
                |t| t.with_timezone(&Utc),
            )
    };
    let names = s.lists.case_names(&mut s.tx).await?;
    let queue_book = s.lists.queues(&mut s.tx).await?;

    // Every open-case figure from one read of the active cases.
    let buckets: [(&'static str, i64, Option<i64>); 5] = [
        ("dashboard-age-today", 0, Some(0)),
        ("dashboard-age-1-2", 1, Some(2)),
        ("dashboard-age-3-6", 3, Some(6)),
        ("dashboard-age-7-29", 7, Some(29)),
        ("dashboard-age-30", 30, None),
    ];
    let bucket_starts: Vec<DateTime<Utc>> = buckets
        .iter()
        .filter_map(|(_, _, oldest)| oldest.map(|o| day_start(today - Duration::days(o))))
        .collect();
    let open = store::open_counts(&mut s.tx, &bucket_starts, team).await?;
    let sum_by = |key: &dyn Fn(&store::OpenCount) -> Option<Uuid>| {
        let mut sums: Vec<(Option<Uuid>, i64)> = Vec::new();
        for row in &open {
            let k = key(row);
            match sums.iter_mut().find(|(id, _)| *id == k) {
                Some((_, n)) => *n += row.count,
                None => sums.push((k, row.count)),
            }
        }
        sums.sort_by_key(|b| std::cmp::Reverse(b.1));
        sums
    };
    let mut open_groups = Vec::new();
    for (by, title_key) in [
        (OpenBy::Queue, "dashboard-open-by-queue"),
        (OpenBy::Owner, "dashboard-open-by-owner"),
        (OpenBy::Priority, "dashboard-open-by-priority"),
        (OpenBy::Status, "dashboard-open-by-status"),
    ] {
        let counts = match by {
            OpenBy::Queue => sum_by(&|r| r.queue_id),
            OpenBy::Owner => sum_by(&|r| r.owner_user_id),
            OpenBy::Priority => sum_by(&|r| Some(r.priority_id)),
            OpenBy::Status => sum_by(&|r| Some(r.status_reason_id)),
        };
        let mut rows = Vec::new();
        for (key, count) in counts {
            let row = match (by, key) {
                (OpenBy::Queue, Some(id)) => Counted {
                    label: queue_book
                        .get(id)
                        .map(|q| q.name.clone())
                        .unwrap_or_default(),
                    count,
                    href: {
                        let link = view_link(team, &[]);
                        let query = link.split_once('?').map_or("", |(_, q)| q);
                        format!("/queues/{id}?{query}")
                            .trim_end_matches('?')
                            .to_owned()
                    },
                    color: "#0b5cad".into(),
                },
                // Cases in no queue are not a queue's to show.
                (OpenBy::Queue, None) => continue,
                (OpenBy::Owner, Some(id)) => Counted {
                    label: names.of(Named::User, Some(id)).unwrap_or_default(),
                    count,
                    href: view_link(
                        team,
                        &[("view", "active".into()), ("owner", id.to_string())],
                    ),
                    color: "#5b6676".into(),
                },
                (OpenBy::Owner, None) => Counted {
                    label: s.page.t("unassigned"),
                    count,
                    href: view_link(team, &[("view", "unassigned".into())]),
                    color: "#b7791f".into(),
                },
                (OpenBy::Priority, Some(id)) => {
                    let look = names.priority(id);
                    Counted {
                        label: look.map(|p| p.name.clone()).unwrap_or_default(),
                        count,
                        href: view_link(
                            team,
                            &[("view", "active".into()), ("priority", id.to_string())],
                        ),
                        color: look.map_or_else(|| "#5b6676".into(), |p| p.color.clone()),
                    }
                }
                (OpenBy::Status, Some(id)) => Counted {
                    label: names.status(id).to_owned(),
                    count,
                    href: view_link(
                        team,
                        &[("view", "active".into()), ("status", id.to_string())],
                    ),
                    color: "#0b5cad".into(),
                },
                (_, None) => continue,
            };
            rows.push(row);
        }
        open_groups.push(Bars::of(title_key, rows));
    }

    // Opened and resolved per day.
    let bounds = (day_start(from), day_start(to + Duration::days(1)));
    let per_day = store::per_day(&mut s.tx, from, to, tz.name(), bounds, team, &[]).await?;
    let day_max = per_day
        .iter()
        .map(|(_, o, r)| (*o).max(*r))
        .max()
        .unwrap_or(1)
        .max(1);
    let day_width = 18;
    let days = per_day
        .into_iter()
        .enumerate()
        .map(|(i, (day, opened, resolved))| Day {
            label: s.page.date(&day),
            opened_href: view_link(
                team,
                &[
                    ("view", "all".into()),
                    ("from", day.to_string()),
                    ("to", day.to_string()),
                ],
            ),
            resolved_href: view_link(
                team,
                &[
                    ("view", "resolved".into()),
                    ("closed_from", day.to_string()),
                    ("closed_to", day.to_string()),
                ],
            ),
            x: i as i64 * day_width,
            opened_h: opened * 120 / day_max,
            resolved_h: resolved * 120 / day_max,
            opened,
            resolved,
        })
        .collect();

    // The age of open cases, in whole days of the reader's calendar.
    let counts: Vec<i64> = (0..buckets.len())
        .map(|b| {
            open.iter()
                .filter(|r| r.bucket == b as i32)
                .map(|r| r.count)
                .sum()
        })
        .collect();
    let ages = Bars::of(
        "dashboard-age",
        buckets
            .iter()
            .zip(counts)
            .map(|((key, newest, oldest), count)| {
                let mut params = vec![("view", "active".to_owned())];
                if let Some(oldest) = oldest {
                    params.push(("from", (today - Duration::days(*oldest)).to_string()));
                }
                params.push(("to", (today - Duration::days(*newest)).to_string()));
                Counted {
                    label: s.page.t(key),
                    count,
                    href: view_link(team, &params),
                    color: "#0b5cad".into(),
                }
            })
            .collect(),
    );

    // SLA met and breached per week (Monday to Sunday) of the range.
    let mut monday = from - Duration::days(i64::from(from.weekday().num_days_from_monday()));
    let mut week_days = Vec::new();
    while monday <= to {
        let sunday = monday + Duration::days(6);
        week_days.push((monday, sunday));
        monday += Duration::days(7);
    }
    let week_bounds: Vec<(DateTime<Utc>, DateTime<Utc>)> = week_days
        .iter()
        .map(|(m, su)| (day_start(*m), day_start(*su + Duration::days(1))))
        .collect();
    let per_week = store::sla_per_week(&mut s.tx, &week_bounds, team, &[]).await?;
    let week_max = per_week
        .iter()
        .map(|(m, b)| (*m).max(*b))
        .max()
        .unwrap_or(1)
        .max(1);
    let week_width = 56;
    let weeks = week_days
        .iter()
        .zip(per_week)
        .enumerate()
        .map(|(i, ((m, su), (met, breached)))| {
            let link = |sla: &str| {
                view_link(
                    team,
                    &[
                        ("view", "resolved".into()),
                        ("closed_from", m.to_string()),
                        ("closed_to", su.to_string()),
                        ("sla", sla.into()),
                    ],
                )
            };
            Week {
                label: s.page.date(m),
                met_href: link("met"),
                breached_href: link("breached"),
                x: i as i64 * week_width,
                met_h: met * 120 / week_max,
                breached_h: breached * 120 / week_max,
                met,
                breached,
            }
        })
        .collect();

    // The cases nearing breach, soonest deadline first.
    let nearing_query = ViewQuery {
        view: View::Nearing.as_str().to_owned(),
        team: team.map(|t| t.to_string()).unwrap_or_default(),
        ..ViewQuery::default()
    };
    let mut spec = ViewSpec::parse(&nearing_query).at(s.now);
    spec.per_page = 10;
    let mut nearing = store::list(&mut s.tx, &names, &spec, s.user.id, tz).await?;
    nearing.truncate(10);

    // Each agent's open cases and the time they logged this week.
    let week_start =
        day_start(today - Duration::days(i64::from(today.weekday().num_days_from_monday())));
    let minutes = store::minutes_logged(&mut s.tx, week_start).await?;
    let by_owner = sum_by(&|r| r.owner_user_id);
    let users = s.lists.users(&mut s.tx).await?;
    let load = users
        .iter()
        .map(|u| {
            let open = by_owner
                .iter()
                .find(|(id, _)| *id == Some(u.id))
                .map_or(0, |(_, n)| *n);
            let logged = minutes
                .iter()
                .find(|(id, _)| *id == u.id)
                .map_or(0, |(_, m)| *m);
            Load {
                name: u.name.clone(),
                open,
                open_href: view_link(
                    team,
                    &[("view", "active".into()), ("owner", u.id.to_string())],
                ),
                minutes: crate::core::duration::format(logged, s.page.lang),
            }
        })
        .filter(|l| l.open > 0 || l.minutes != crate::core::duration::format(0, s.page.lang))
        .collect();
    s.tx.finish_reading();
    Ok(DashboardPage {
        ctx: s.page,
        teams,
        team: team.map(|t| t.to_string()).unwrap_or_default(),
        from,
        to,
        open_groups,
        days,
        day_width,
        ages,
        weeks,
        week_width,
        nearing,
        nearing_href: view_link(team, &[("view", "nearing".into())]),
        load,
    })
}
