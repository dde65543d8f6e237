//! Which entitlement a case draws on, decided by one rule wherever a case
//! gets or changes one: the form that shows the choice and the server that
//! saves it, whatever the page showed (see docs/entitlements.md).
//!
//! A case draws on the entitlement chosen for it, else on the customer's
//! default when that covers the case.

use uuid::Uuid;

use crate::entitlements::terms::Offered;

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
}
