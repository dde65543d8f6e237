//! Outgoing e-mail. Requests and the SLA worker only queue messages in
//! `mail_outbox`, in their own transaction; the worker sends them later, so a
//! slow or absent mail server never slows or fails the work that caused them.
//!
//! Every message carries a `Message-ID` made from its outbox id. Delivery is
//! at least once (see `outbox`): a message sent again after a worker died is
//! the same message, which mail servers and clients recognise and collapse.

mod files;
pub mod handlers;
pub mod outbox;

use std::path::PathBuf;
use std::time::Duration;

use lettre::message::Mailbox;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use secrecy::ExposeSecret;
use uuid::Uuid;

use crate::config::Config;

/// Where queued e-mail goes: an SMTP server, or `.eml` files for development.
#[derive(Clone)]
pub enum Transport {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    /// One file per outbox message, named by its id (see `files`).
    Files(PathBuf),
}

#[derive(Clone)]
pub struct Mailer {
    transport: Transport,
    from: Mailbox,
    lease: Duration,
}

/// Long enough to hand a batch to a slow SMTP server (see `outbox`), short
/// enough that the messages of a worker that died go out minutes later.
const DEFAULT_LEASE: Duration = Duration::from_secs(300);

impl Mailer {
    pub fn from_config(config: &Config) -> anyhow::Result<Mailer> {
        let from: Mailbox = config
            .mail_from
            .parse()
            .map_err(|e| anyhow::anyhow!("ATENDE_MAIL_FROM is not an address: {e}"))?;
        let transport = match &config.smtp_url {
            Some(url) => Transport::Smtp(
                AsyncSmtpTransport::<Tokio1Executor>::from_url(url.expose_secret())
                    .map_err(|e| anyhow::anyhow!("ATENDE_SMTP_URL: {e}"))?
                    .build(),
            ),
            None => Mailer::files_in(config.data_dir.join("mail"))?,
        };
        Ok(Mailer {
            transport,
            from,
            lease: Duration::from_secs(config.mail_lease_secs),
        })
    }

    fn files_in(dir: PathBuf) -> anyhow::Result<Transport> {
        std::fs::create_dir_all(&dir)?;
        Ok(Transport::Files(dir))
    }

    /// Writes to `dir` as `<outbox id>.eml` files (development and tests).
    pub fn to_directory(dir: PathBuf) -> anyhow::Result<Mailer> {
        Ok(Mailer {
            transport: Mailer::files_in(dir)?,
            from: "Atende <no-reply@atende.invalid>".parse()?,
            lease: DEFAULT_LEASE,
        })
    }

    /// The same mailer, holding the messages it claims for `lease`.
    pub fn with_lease(self, lease: Duration) -> Mailer {
        Mailer { lease, ..self }
    }

    /// How long a worker holds the messages it claimed before another may take them.
    pub fn lease(&self) -> Duration {
        self.lease
    }

    /// `<outbox id@sender's domain>`: the same for every attempt at one message.
    pub fn message_id(&self, outbox_id: Uuid) -> String {
        format!("<{outbox_id}@{}>", self.from.email.domain())
    }

    /// Hands one queued message to the transport.
    pub async fn send(
        &self,
        outbox_id: Uuid,
        to: &str,
        subject: &str,
        body: &str,
    ) -> anyhow::Result<()> {
        let message = Message::builder()
            .message_id(Some(self.message_id(outbox_id)))
            .from(self.from.clone())
            .to(to.parse()?)
            .subject(subject)
            .body(body.to_owned())?;
        match &self.transport {
            Transport::Smtp(smtp) => {
                smtp.send(message).await?;
            }
            Transport::Files(dir) => files::write(dir, outbox_id, &message.formatted()).await?,
        }
        Ok(())
    }
}
