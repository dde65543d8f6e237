//! Which entitlement a case draws on, decided by one rule wherever a case
//! gets or changes one: the form that shows the choice and the server that
//! saves it, whatever the page showed (see docs/entitlements.md).
//!
//! A case draws on the entitlement chosen for it, else on the customer's
//! default when that covers the case. While an entitlement that covers the
//! case restricts case creation, the case must draw on one of those that
//! cover it: going without is for a supervisor or admin, with a reason.

use uuid::Uuid;

use crate::entitlements::terms::Offered;
use crate::web::form;

/// What the form's entitlement field says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Asked {
    /// Nothing chosen yet: the rule picks.
    Rule,
    /// "Nenhum", chosen.
    Nothing,
    One(Uuid),
}

impl Asked {
    pub fn parse(text: &str) -> Asked {
        match text.trim() {
            "none" => Asked::Nothing,
            text => Uuid::parse_str(text).map_or(Asked::Rule, Asked::One),
        }
    }
}

/// The customer's default entitlement, when it covers the case.
pub fn default_of(offered: &[Offered]) -> Option<Uuid> {
    offered.iter().find(|e| e.is_default).map(|e| e.id)
}

/// The entitlement a saved case draws on.
pub fn applied(asked: Asked, offered: &[Offered]) -> Option<Uuid> {
    match asked {
        Asked::Rule => default_of(offered),
        Asked::Nothing => None,
        Asked::One(id) => Some(id),
    }
}

/// What the form preselects: the chosen entitlement while it can still be
/// chosen (`kept` is the one the case already has), else the rule's pick for
/// the case as it now is.
pub fn preselected(asked: Asked, offered: &[Offered], kept: Option<Uuid>) -> Option<Uuid> {
    match asked {
        Asked::Nothing => None,
        Asked::One(id) if kept == Some(id) || offered.iter().any(|e| e.id == id) => Some(id),
        Asked::One(_) | Asked::Rule => default_of(offered),
    }
}

/// The entitlements covering the case that restrict case creation.
pub fn restricting(offered: &[Offered]) -> impl Iterator<Item = &Offered> {
    offered.iter().filter(|e| e.restrict_creation)
}

/// Whether a case may go without an entitlement.
#[derive(Debug, PartialEq, Eq)]
pub enum Without {
    /// Nothing that covers it restricts creation.
    Free,
    /// A supervisor lets it go: the restricting entitlements' names and why.
    Overridden {
        entitlements: String,
        reason: String,
    },
    /// Refused, with the message for the field it belongs to.
    Refused {
        field: &'static str,
        key: &'static str,
    },
}

pub const REASON_MAX: usize = 2_000;

pub fn without(offered: &[Offered], may_override: bool, reason: &str) -> Without {
    let names: Vec<&str> = restricting(offered).map(|e| e.name.as_str()).collect();
    if names.is_empty() {
        return Without::Free;
    }
    if !may_override {
        return Without::Refused {
            field: "entitlement_id",
            key: "entitlement-error-required",
        };
    }
    match form::multiline(reason, REASON_MAX) {
        Ok(reason) if !reason.is_empty() => Without::Overridden {
            entitlements: names.join(", "),
            reason,
        },
        Ok(_) => Without::Refused {
            field: "entitlement_reason",
            key: "entitlement-error-reason-required",
        },
        Err(key) => Without::Refused {
            field: "entitlement_reason",
            key,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn offered(name: &str, is_default: bool, restrict: bool) -> Offered {
        Offered {
            id: Uuid::now_v7(),
            name: name.into(),
            allocation: "cases".into(),
            remaining_units: 1,
            channel_remaining: None,
            is_default,
            restrict_creation: restrict,
        }
    }

    #[test]
    fn the_form_field_says_rule_none_or_one() {
        let id = Uuid::now_v7();
        assert_eq!(Asked::parse(""), Asked::Rule);
        assert_eq!(Asked::parse("none"), Asked::Nothing);
        assert_eq!(Asked::parse(&id.to_string()), Asked::One(id));
    }

    #[test]
    fn the_rule_picks_the_default_that_covers_the_case() {
        let plain = offered("Plain", false, false);
        let preferred = offered("Preferred", true, false);
        let both = [plain.clone(), preferred.clone()];
        assert_eq!(applied(Asked::Rule, &both), Some(preferred.id));
        assert_eq!(applied(Asked::Rule, std::slice::from_ref(&plain)), None);
        assert_eq!(applied(Asked::Nothing, &both), None);
        assert_eq!(applied(Asked::One(plain.id), &both), Some(plain.id));
    }

    #[test]
    fn a_choice_no_longer_offered_gives_way_to_the_default() {
        let gone = Uuid::now_v7();
        let preferred = offered("Preferred", true, false);
        let now = [preferred.clone()];
        assert_eq!(
            preselected(Asked::One(gone), &now, None),
            Some(preferred.id)
        );
        assert_eq!(preselected(Asked::One(gone), &now, Some(gone)), Some(gone));
        assert_eq!(preselected(Asked::Nothing, &now, None), None);
        assert_eq!(preselected(Asked::Rule, &now, None), Some(preferred.id));
    }

    #[test]
    fn going_without_a_restricting_entitlement_takes_a_supervisor_and_a_reason() {
        let open = [offered("Livre", false, false)];
        assert_eq!(without(&open, false, ""), Without::Free);
        let strict = [offered("Livre", false, false), offered("Ouro", false, true)];
        assert_eq!(
            without(&strict, false, "cliente VIP"),
            Without::Refused {
                field: "entitlement_id",
                key: "entitlement-error-required"
            }
        );
        assert_eq!(
            without(&strict, true, "   "),
            Without::Refused {
                field: "entitlement_reason",
                key: "entitlement-error-reason-required"
            }
        );
        assert_eq!(
            without(&strict, true, " cortesia da diretoria "),
            Without::Overridden {
                entitlements: "Ouro".into(),
                reason: "cortesia da diretoria".into()
            }
        );
    }
}
