//! The development transport: every message is written to a directory as
//! `<outbox id>.eml`. Sending is at least once, so a message may be handed
//! over again; named by its outbox id, the second copy replaces the first,
//! like a mail client collapsing two copies with one Message-ID, instead of
//! piling up beside it. Each copy is written under a temporary name, flushed
//! to disk and renamed into place, so a reader never sees half a message and
//! a worker killed mid-write leaves at most a `.tmp` dot-file behind.

use std::path::Path;

use tokio::io::AsyncWriteExt;
use uuid::Uuid;

pub async fn write(dir: &Path, id: Uuid, message: &[u8]) -> std::io::Result<()> {
    // Unique per write: two workers writing the same message at once (one of
    // them past its lease) must not share a half-written file.
    let temporary = dir.join(format!(".{id}.{}.tmp", Uuid::now_v7()));
    let written = async {
        let mut file = tokio::fs::File::create(&temporary).await?;
        file.write_all(message).await?;
        // Marked sent right after this returns: the bytes must be on disk by then.
        file.sync_all().await?;
        tokio::fs::rename(&temporary, dir.join(format!("{id}.eml"))).await
    }
    .await;
    if written.is_err() {
        let _ = tokio::fs::remove_file(&temporary).await;
    }
    written
}
