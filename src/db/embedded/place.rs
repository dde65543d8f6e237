//! Where the embedded cluster lives when Atende runs as root and the cluster
//! runs as another user.
//!
//! Its place is `$ATENDE_DATA_DIR/postgres`. A data folder its user cannot
//! enter (a clone in root's home, mode 700) cannot hold it: then, and only if
//! that folder holds no cluster yet, it lives in `/var/lib/atende/`, in a
//! folder named after the data folder's path. A cluster found in either place
//! keeps being used, the one in the data folder first, so data never moves and
//! every start from the same data folder finds what the last one left. A
//! cluster in the data folder that its user can no longer enter is an error,
//! not a reason to start an empty one elsewhere.

use std::ffi::OsStr;
use std::fs;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::CommandExt;
use std::path::{Component, Path, PathBuf};
use std::process::Command;

use anyhow::{Context, bail};
use sha2::{Digest, Sha256};

use super::{EmbeddedError, OsUser};

/// Where clusters live whose data folder their user cannot enter.
const FALLBACK_ROOT: &str = "/var/lib/atende";
/// How much of the data folder's path a fallback folder's name keeps (its
/// end, the part that tells folders apart), so the socket fits beside it.
const READABLE_NAME_LEN: usize = 40;

/// The cluster directory for a data folder, and the line to log when it is
/// not inside the data folder.
pub(super) struct Location {
    pub dir: PathBuf,
    pub note: Option<String>,
}

#[derive(Debug, PartialEq, Eq)]
enum Choice {
    DataDir,
    Fallback,
    Refuse,
}

pub(super) fn locate(data_dir: &Path, user: &OsUser) -> Result<Location, EmbeddedError> {
    let home = data_dir.join("postgres");
    let fallback = Path::new(FALLBACK_ROOT).join(fallback_name(data_dir));
    let initialised = |dir: &Path| dir.join("PG_VERSION").exists();
    let blocked = first_blocked(user, data_dir)?;
    let choice = choose(
        initialised(&home),
        initialised(&fallback),
        blocked.is_some(),
    );
    let refuse = |blocked: PathBuf, detail: String| EmbeddedError::Unreachable {
        user: user.name.clone(),
        data_dir: data_dir.to_path_buf(),
        blocked,
        detail,
    };
    match (choice, blocked) {
        (Choice::DataDir, _) => Ok(Location {
            dir: home,
            note: None,
        }),
        (Choice::Refuse, blocked) => Err(refuse(
            blocked.unwrap_or_else(|| data_dir.to_path_buf()),
            format!(", on the way to its cluster in {}", home.display()),
        )),
        (Choice::Fallback, blocked) => {
            let ready = prepare_fallback_root(user);
            let why = match (blocked, ready) {
                (Some(blocked), Err(err)) => {
                    let detail = format!(", nor use {FALLBACK_ROOT} instead ({err:#})");
                    return Err(refuse(blocked, detail));
                }
                // The data folder is reachable now, but its cluster is here.
                (None, Err(err)) => {
                    let context =
                        format!("using the embedded PostgreSQL in {}", fallback.display());
                    return Err(err.context(context).into());
                }
                (Some(blocked), Ok(())) if blocked == data_dir => format!(
                    " because user {} cannot enter {}",
                    user.name,
                    data_dir.display()
                ),
                (Some(blocked), Ok(())) => format!(
                    " because user {} cannot enter {} on the way to {}",
                    user.name,
                    blocked.display(),
                    data_dir.display()
                ),
                (None, Ok(())) => format!(
                    ", made there when user {} could not enter {}",
                    user.name,
                    data_dir.display()
                ),
            };
            let note = format!(
                "the embedded PostgreSQL lives in {}{why}",
                fallback.display()
            );
            Ok(Location {
                dir: fallback,
                note: Some(note),
            })
        }
    }
}

/// The one decision, given whether each place holds a cluster and whether
/// the cluster's user is kept out of the data folder.
fn choose(in_data_dir: bool, in_fallback: bool, blocked: bool) -> Choice {
    match (in_data_dir, in_fallback, blocked) {
        (true, _, false) => Choice::DataDir,
        (true, _, true) => Choice::Refuse,
        (false, true, _) => Choice::Fallback,
        (false, false, false) => Choice::DataDir,
        (false, false, true) => Choice::Fallback,
    }
}

/// The fallback folder's name: the end of the data folder's path, readable,
/// and a hash of the whole path, so two data folders never share a cluster.
fn fallback_name(data_dir: &Path) -> String {
    let parts: Vec<_> = data_dir
        .components()
        .filter_map(|c| match c {
            Component::Normal(part) => Some(part.to_string_lossy()),
            _ => None,
        })
        .collect();
    let readable: String = parts
        .join("-")
        .chars()
        .map(|c| match c {
            'a'..='z' | 'A'..='Z' | '0'..='9' | '-' | '_' | '.' => c,
            _ => '_',
        })
        .collect();
    // ASCII only by now, so any byte offset is a char boundary.
    let tail = &readable[readable.len().saturating_sub(READABLE_NAME_LEN)..];
    let tail = tail.trim_start_matches(['-', '_', '.']);
    let digest = Sha256::digest(data_dir.as_os_str().as_bytes());
    let hash: String = digest[..4].iter().map(|b| format!("{b:02x}")).collect();
    if tail.is_empty() {
        hash
    } else {
        format!("{tail}-{hash}")
    }
}

/// The clusters' own folders are private to their user; the folder holding
/// them must let that user pass.
fn prepare_fallback_root(user: &OsUser) -> anyhow::Result<()> {
    let root = Path::new(FALLBACK_ROOT);
    if !root.exists() {
        fs::create_dir_all(root).with_context(|| format!("creating {FALLBACK_ROOT}"))?;
        fs::set_permissions(root, fs::Permissions::from_mode(0o755))
            .with_context(|| format!("opening {FALLBACK_ROOT} to the PostgreSQL user"))?;
    }
    if let Some(blocked) = first_blocked(user, root)? {
        bail!("user {} cannot enter {}", user.name, blocked.display());
    }
    Ok(())
}

/// The first folder on the way to `dir` (itself included) that `user` cannot
/// enter, or none. The cluster's own directory needs no check: Atende gives it
/// to the user (mode 700) before PostgreSQL runs.
///
/// The kernel is asked, by a shell running with the very credentials initdb
/// and pg_ctl get (the user's uid and primary group, no supplementary groups:
/// std drops them), rather than the answer worked out from mode bits, which
/// would miss ACLs, security modules and the groups std drops.
fn first_blocked(user: &OsUser, dir: &Path) -> anyhow::Result<Option<PathBuf>> {
    let mut folders: Vec<&Path> = dir.ancestors().collect();
    folders.reverse();
    let output = Command::new("/bin/sh")
        .arg("-c")
        .arg(r#"for d in "$@"; do cd "$d" 2>/dev/null || { printf %s "$d"; exit 3; }; done"#)
        .arg("atende-probe")
        .args(folders)
        .current_dir("/")
        .uid(user.uid)
        .gid(user.gid)
        .output()
        .context("running /bin/sh as the PostgreSQL user to check its access")?;
    match output.status.code() {
        Some(0) => Ok(None),
        Some(3) if !output.stdout.is_empty() => {
            Ok(Some(PathBuf::from(OsStr::from_bytes(&output.stdout))))
        }
        _ => bail!(
            "checking whether user {} can enter {} failed: {}",
            user.name,
            dir.display(),
            String::from_utf8_lossy(&output.stderr).trim()
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cluster_already_in_the_data_folder_stays_there_or_is_refused_but_never_moves() {
        assert_eq!(choose(true, false, false), Choice::DataDir);
        assert_eq!(choose(true, true, false), Choice::DataDir);
        assert_eq!(choose(true, false, true), Choice::Refuse);
        assert_eq!(choose(true, true, true), Choice::Refuse);
    }

    #[test]
    fn a_new_cluster_goes_to_the_fallback_only_when_the_data_folder_is_out_of_reach() {
        assert_eq!(choose(false, false, false), Choice::DataDir);
        assert_eq!(choose(false, false, true), Choice::Fallback);
    }

    #[test]
    fn a_cluster_in_the_fallback_keeps_being_used_once_the_data_folder_is_reachable() {
        assert_eq!(choose(false, true, true), Choice::Fallback);
        assert_eq!(choose(false, true, false), Choice::Fallback);
    }

    #[test]
    fn the_fallback_is_named_after_the_data_folder_and_stays_the_same() {
        let name = fallback_name(Path::new("/root/atende/data"));
        let (readable, hash) = name.rsplit_once('-').expect("a hash");
        assert_eq!(readable, "root-atende-data");
        assert_eq!(hash.len(), 8);
        assert!(hash.chars().all(|c| c.is_ascii_hexdigit()));
        assert_eq!(name, fallback_name(Path::new("/root/atende/data")));
    }

    #[test]
    fn data_folders_that_read_alike_get_different_fallbacks() {
        let a = fallback_name(Path::new("/srv/a-b/data"));
        let b = fallback_name(Path::new("/srv/a/b-data"));
        assert!(a.starts_with("srv-a-b-data-") && b.starts_with("srv-a-b-data-"));
        assert_ne!(a, b);
    }

    #[test]
    fn a_long_or_odd_path_keeps_its_end_and_leaves_room_for_the_socket() {
        let deep = Path::new(
            "/home/someone with spaces/projetos/atendimento/cópia de segurança/target/tmp/test-pg",
        );
        let name = fallback_name(deep);
        assert!(name.contains("target-tmp-test-pg-"), "{name}");
        assert!(
            name.chars()
                .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c)),
            "{name}"
        );
        assert!(!name.starts_with(['-', '_', '.']), "{name}");
        let socket = Path::new(FALLBACK_ROOT).join(&name).join(".s.PGSQL.5432");
        assert!(socket.as_os_str().len() <= super::super::MAX_SOCKET_PATH);
    }
}
