//! Sign-in rules: password policy, hashing, and where we may send someone after.

use std::sync::LazyLock;

use argon2::Argon2;
use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};

pub const PASSWORD_MIN_CHARS: usize = 12;
pub const PASSWORD_MAX_CHARS: usize = 128;

/// A password that meets the policy; its text never reaches a log.
pub struct NewPassword(String);

impl NewPassword {
    /// Returns the Fluent key of the problem when the password is refused.
    pub fn parse(text: &str) -> Result<NewPassword, &'static str> {
        let chars = text.chars().count();
        if text.contains(crate::web::form::UNREADABLE) {
            return Err("error-unreadable-chars");
        }
        if chars < PASSWORD_MIN_CHARS {
            return Err("error-password-too-short");
        }
        if chars > PASSWORD_MAX_CHARS {
            return Err("error-password-too-long");
        }
        Ok(NewPassword(text.to_owned()))
    }

    /// argon2id with the crate's defaults (19 MiB, 2 passes). Slow on purpose:
    /// call it from `spawn_blocking`.
    pub fn hash(&self) -> anyhow::Result<String> {
        Argon2::default()
            .hash_password(self.0.as_bytes())
            .map(|h| h.to_string())
            .map_err(|e| anyhow::anyhow!("hashing a password: {e}"))
    }
}

/// Verifies a password against a stored hash. With no hash (unknown workspace
/// or e-mail) it verifies against a dummy, so every failure costs the same time.
pub fn verify_password(password: &str, stored: Option<&str>) -> bool {
    static DUMMY: LazyLock<String> = LazyLock::new(|| {
        NewPassword::parse("dummy-password-never-matches")
            .and_then(|p| p.hash().map_err(|_| "error-internal"))
            .unwrap_or_default()
    });
    let (hash, real) = match stored {
        Some(hash) => (hash, true),
        None => (DUMMY.as_str(), false),
    };
    let Ok(parsed) = PasswordHash::new(hash) else {
        return false;
    };
    let matches = Argon2::default()
        .verify_password(password.as_bytes(), &parsed)
        .is_ok();
    matches && real
}

/// The local path to return to after sign-in, if `next` is one. Anything that
/// a browser could read as another origin (`//x`, `/\x`, a scheme, encoded
/// variants of those) is refused.
pub fn safe_next(next: &str) -> Option<String> {
    let decoded: String = percent_decode(next);
    let ok = |s: &str| {
        s.starts_with('/')
            && !s.starts_with("//")
            && !s.contains('\\')
            && !s.chars().any(char::is_control)
    };
    (ok(next) && ok(&decoded) && !decoded.starts_with("/login")).then(|| next.to_owned())
}

fn percent_decode(text: &str) -> String {
    // Decode repeatedly: `%252F` is `%2F` once and `/` twice.
    let mut current = text.to_owned();
    for _ in 0..3 {
        let next: String =
            form_urlencoded::parse(format!("x={}", current.replace('+', "%2B")).as_bytes())
                .next()
                .map(|(_, v)| v.into_owned())
                .unwrap_or_default();
        if next == current {
            break;
        }
        current = next;
    }
    current
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn password_length_is_counted_in_characters() {
        assert!(NewPassword::parse("çççççççççççç").is_ok());
        assert_eq!(
            NewPassword::parse("short").err(),
            Some("error-password-too-short")
        );
        assert_eq!(
            NewPassword::parse(&"x".repeat(129)).err(),
            Some("error-password-too-long")
        );
        assert!(NewPassword::parse(&"x".repeat(128)).is_ok());
    }

    #[test]
    fn next_accepts_local_paths_only() {
        assert_eq!(
            safe_next("/cases?view=active").as_deref(),
            Some("/cases?view=active")
        );
        for hostile in [
            "//evil.example",
            "/\\evil.example",
            "https://evil.example",
            "javascript:alert(1)",
            "/%2F%2Fevil.example",
            "%2F%2Fevil.example",
            "/%5Cevil.example",
            "/%252F%252Fevil.example",
            "/\tevil",
            "",
        ] {
            assert_eq!(safe_next(hostile), None, "{hostile} must be refused");
        }
    }

    #[test]
    fn verification_fails_without_a_stored_hash() {
        assert!(!verify_password("dummy-password-never-matches", None));
    }
}
