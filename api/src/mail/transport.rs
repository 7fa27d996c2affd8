//! Where mail goes: an SMTP relay (lettre, with rustls) named by
//! `VOIMAVARA_SMTP_URL`, or, without one, the log (development).

use std::time::Duration;

use lettre::message::{Mailbox, MultiPart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Certificate, Tls, TlsParameters};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use super::templates::Rendered;
use crate::config::MailSettings;

/// How long one conversation with the relay may take.
const SMTP_TIMEOUT: Duration = Duration::from_secs(20);

/// The way out.
#[derive(Clone)]
pub enum Transport {
    /// Every mail written to the log, whole.
    Log,
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
}

impl std::fmt::Debug for Transport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Transport::Log => f.write_str("Transport::Log"),
            Transport::Smtp(_) => f.write_str("Transport::Smtp"),
        }
    }
}

/// Why a mail could not be sent.
#[derive(Debug)]
pub enum SendError {
    /// The address or sender cannot be written into a mail: retrying is useless.
    Permanent(String),
    /// The relay refused or was unreachable: try again later.
    Transient(String),
}

impl Transport {
    /// The transport the settings name; an error says what is wrong with them.
    pub fn from_settings(settings: &MailSettings) -> Result<Self, String> {
        let Some(url) = &settings.smtp_url else {
            return Ok(Transport::Log);
        };
        let url = url::Url::parse(url.expose())
            .map_err(|_| "VOIMAVARA_SMTP_URL is not a URL".to_owned())?;
        let host = url
            .host_str()
            .filter(|h| !h.is_empty())
            .ok_or("VOIMAVARA_SMTP_URL has no host")?
            .trim_start_matches('[')
            .trim_end_matches(']')
            .to_owned();
        let tls = |host: &str| -> Result<TlsParameters, String> {
            let mut builder = TlsParameters::builder(host.to_owned());
            if let Some(file) = &settings.smtp_ca_file {
                let pem = std::fs::read(file)
                    .map_err(|e| format!("VOIMAVARA_SMTP_CA_FILE {}: {e}", file.display()))?;
                let certificate = Certificate::from_pem(&pem)
                    .map_err(|e| format!("VOIMAVARA_SMTP_CA_FILE {}: {e}", file.display()))?;
                builder = builder.add_root_certificate(certificate);
            }
            builder
                .build_rustls()
                .map_err(|e| format!("TLS settings for the relay: {e}"))
        };
        let (tls, default_port) = match url.scheme() {
            "smtp" => (Tls::None, 25),
            "smtp+starttls" => (Tls::Required(tls(&host)?), 587),
            "smtps" => (Tls::Wrapper(tls(&host)?), 465),
            other => {
                return Err(format!(
                    "VOIMAVARA_SMTP_URL: `{other}://` is not smtp://, smtp+starttls:// or smtps://"
                ));
            }
        };
        let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host)
            .port(url.port().unwrap_or(default_port))
            .tls(tls)
            .timeout(Some(SMTP_TIMEOUT));
        if !url.username().is_empty() {
            let decode = |s: &str| {
                percent_decode(s).ok_or_else(|| {
                    "VOIMAVARA_SMTP_URL: the credentials are not valid UTF-8".to_owned()
                })
            };
            builder = builder.credentials(Credentials::new(
                decode(url.username())?,
                decode(url.password().unwrap_or(""))?,
            ));
        }
        Ok(Transport::Smtp(builder.build()))
    }

    /// Sends one mail from `from` to `to`.
    pub async fn send(&self, from: &str, to: &str, mail: &Rendered) -> Result<(), SendError> {
        let from: Mailbox = from
            .parse()
            .map_err(|e| SendError::Permanent(format!("VOIMAVARA_MAIL_FROM: {e}")))?;
        let to: Mailbox = to
            .parse()
            .map_err(|e| SendError::Permanent(format!("the recipient's address: {e}")))?;
        match self {
            Transport::Log => {
                tracing::info!(
                    target: "voimavara::mail",
                    from = %from,
                    to = %to,
                    subject = %mail.subject,
                    text = %mail.text,
                    html = %mail.html,
                    "mail written to the log (no VOIMAVARA_SMTP_URL)"
                );
                Ok(())
            }
            Transport::Smtp(smtp) => {
                let message = Message::builder()
                    .from(from)
                    .to(to)
                    .subject(mail.subject.clone())
                    .multipart(MultiPart::alternative_plain_html(
                        mail.text.clone(),
                        mail.html.clone(),
                    ))
                    .map_err(|e| SendError::Permanent(e.to_string()))?;
                match smtp.send(message).await {
                    Ok(_) => Ok(()),
                    Err(err) if err.is_permanent() => Err(SendError::Permanent(err.to_string())),
                    Err(err) => Err(SendError::Transient(err.to_string())),
                }
            }
        }
    }
}

/// `%XX`-decodes a URL's user name or password.
fn percent_decode(s: &str) -> Option<String> {
    percent_encoding::percent_decode_str(s)
        .decode_utf8()
        .ok()
        .map(|decoded| decoded.into_owned())
}
