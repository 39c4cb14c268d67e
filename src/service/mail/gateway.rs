//! The SMS gateway: one HTTP request per message, made from the templates of
//! `config::SmsConfig`. In the URL, the body and nowhere else, `{phone}`
//! (the mobile number, 11 digits), `{text}` (the message), `{kind}` (what it
//! is: `acknowledgement`, `reminder`, ... as `domain::mail::Kind` names it, for
//! gateways that file messages by template) and `{id}` (the message's number
//! in the outbox, the same on every attempt, for gateways that drop
//! duplicates) stand for the message's values; any other brace is left as it
//! is, so a JSON body is written as JSON. Values are escaped for where they
//! stand: percent-encoded in the URL, JSON-escaped in a JSON body (the
//! template puts the quotes), form-encoded in a form body, as they are in any
//! other.
//!
//! A 2xx answer is delivered. 4xx is a refusal for good (a wrong number, bad
//! credentials: trying again will not help), except 408 and 429, which, like
//! 5xx and a gateway not reached, are tried again later. The credentials
//! header is marked sensitive and never shown; nothing here logs.

use crate::config::SmsConfig;
use reqwest::Method;
use reqwest::header::{CONTENT_TYPE, HeaderName, HeaderValue};
use std::sync::OnceLock;
use std::time::Duration;

/// How long the worker waits for the gateway's answer.
pub const TIMEOUT: Duration = Duration::from_secs(30);

/// Characters of the gateway's answer kept with a failed message.
const ANSWER_KEPT: usize = 200;

/// The values a request is made from.
pub struct Values<'a> {
    pub phone: &'a str,
    pub text: &'a str,
    pub kind: &'a str,
    pub id: i64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Escape {
    /// Percent-encoded, as in a query string.
    Url,
    Json,
    Form,
    Raw,
}

fn escape(value: &str, how: Escape) -> String {
    match how {
        Escape::Url | Escape::Form => {
            url::form_urlencoded::byte_serialize(value.as_bytes()).collect::<String>()
        }
        Escape::Json => {
            // A JSON string's contents: the quotes come from the template.
            let quoted = serde_json::to_string(value).unwrap_or_default();
            quoted[1..quoted.len() - 1].to_string()
        }
        Escape::Raw => value.to_string(),
    }
}

/// The template with each placeholder replaced by its escaped value, in one pass (a value
/// that itself holds a placeholder's name stays as it is).
fn fill(template: &str, v: &Values, how: Escape) -> String {
    let id = v.id.to_string();
    let mut out = String::with_capacity(template.len() + v.text.len() * 3);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open..];
        let hit = [
            ("{phone}", v.phone),
            ("{text}", v.text),
            ("{kind}", v.kind),
            ("{id}", id.as_str()),
        ]
        .into_iter()
        .find(|(name, _)| after.starts_with(name));
        match hit {
            Some((name, value)) => {
                out.push_str(&escape(value, how));
                rest = &after[name.len()..];
            }
            None => {
                out.push('{');
                rest = &after[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// A request as it would be sent (for the worker, and the tests of the templates).
#[derive(Debug, PartialEq, Eq)]
pub struct Request {
    pub method: Method,
    pub url: String,
    /// None for GET.
    pub body: Option<String>,
}

/// The gateway as configured, checked. The HTTP client is made at the first message, on
/// the thread that sends it (the blocking client may not be made inside async code).
pub struct Gateway {
    url: String,
    method: Method,
    body: String,
    content_type: HeaderValue,
    body_escape: Escape,
    auth: Option<(HeaderName, HeaderValue)>,
    client: OnceLock<reqwest::blocking::Client>,
}

impl std::fmt::Debug for Gateway {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Gateway")
            .field("method", &self.method)
            .finish_non_exhaustive()
    }
}

impl Gateway {
    /// Checks the configuration (no request is made): an http(s) URL once the values are
    /// in, a method of POST, PUT or GET, `{phone}` and `{text}` somewhere they are sent,
    /// a header the credentials can go in. Errors name the variable, never the
    /// credentials. None when no URL is configured.
    pub fn new(c: &SmsConfig) -> Result<Option<Gateway>, String> {
        let Some(url) = c.url.as_deref() else {
            return Ok(None);
        };
        let method = match c.method.trim().to_ascii_uppercase().as_str() {
            "POST" => Method::POST,
            "PUT" => Method::PUT,
            "GET" => Method::GET,
            other => {
                return Err(format!(
                    "GONGKAI_SMS_METHOD {other}: POST, PUT or GET expected"
                ));
            }
        };
        let shown = c.shown_url().unwrap_or_default();
        let sample = Values {
            phone: "13800000000",
            text: "测试",
            kind: "reminder",
            id: 1,
        };
        match url::Url::parse(&fill(url, &sample, Escape::Url)) {
            Ok(u) if matches!(u.scheme(), "http" | "https") && u.host_str().is_some() => {}
            Ok(_) => {
                return Err(format!(
                    "GONGKAI_SMS_URL {shown}: an http:// or https:// address expected"
                ));
            }
            Err(e) => return Err(format!("GONGKAI_SMS_URL {shown}: {e}")),
        }
        let sent =
            |name: &str| url.contains(name) || (method != Method::GET && c.body.contains(name));
        for name in ["{phone}", "{text}"] {
            if !sent(name) {
                return Err(format!(
                    "GONGKAI_SMS_URL / GONGKAI_SMS_BODY: {name} appears in neither, so the gateway \
                     would not receive it"
                ));
            }
        }
        let content_type = HeaderValue::from_str(c.content_type.trim()).map_err(|_| {
            format!(
                "GONGKAI_SMS_CONTENT_TYPE {}: not a header value",
                c.content_type
            )
        })?;
        let lower = c.content_type.to_ascii_lowercase();
        let body_escape = if lower.contains("json") {
            Escape::Json
        } else if lower.contains("x-www-form-urlencoded") {
            Escape::Form
        } else {
            Escape::Raw
        };
        let auth = match &c.auth {
            Some(value) => {
                let name =
                    HeaderName::from_bytes(c.auth_header.trim().as_bytes()).map_err(|_| {
                        format!(
                            "GONGKAI_SMS_AUTH_HEADER {}: not a header name",
                            c.auth_header
                        )
                    })?;
                let mut value = HeaderValue::from_str(value.trim()).map_err(|_| {
                    "GONGKAI_SMS_AUTH: not a header value (a line break or control character?)"
                        .to_string()
                })?;
                value.set_sensitive(true);
                Some((name, value))
            }
            None => None,
        };
        Ok(Some(Gateway {
            url: url.to_string(),
            method,
            body: c.body.clone(),
            content_type,
            body_escape,
            auth,
            client: OnceLock::new(),
        }))
    }

    /// The request for a message.
    pub fn request(&self, v: &Values) -> Request {
        Request {
            method: self.method.clone(),
            url: fill(&self.url, v, Escape::Url),
            body: (self.method != Method::GET).then(|| fill(&self.body, v, self.body_escape)),
        }
    }

    fn client(&self) -> Result<&reqwest::blocking::Client, String> {
        if let Some(c) = self.client.get() {
            return Ok(c);
        }
        let c = reqwest::blocking::Client::builder()
            .timeout(TIMEOUT)
            // A gateway answers; one that sends us elsewhere is misconfigured.
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| format!("cannot start the HTTP client: {e}"))?;
        Ok(self.client.get_or_init(|| c))
    }

    /// Sends one message. Err((permanent, text)) when the gateway did not take it; the
    /// text has the status and the start of the answer, never the URL (it may hold the
    /// number and the message).
    pub fn send(&self, v: &Values) -> Result<(), (bool, String)> {
        let client = self.client().map_err(|e| (false, e))?;
        let r = self.request(v);
        let mut req = client.request(r.method, &r.url);
        if let Some(body) = r.body {
            req = req
                .header(CONTENT_TYPE, self.content_type.clone())
                .body(body);
        }
        if let Some((name, value)) = &self.auth {
            req = req.header(name.clone(), value.clone());
        }
        match req.send() {
            Ok(resp) => {
                let status = resp.status();
                if status.is_success() {
                    return Ok(());
                }
                let answer: String = resp
                    .text()
                    .unwrap_or_default()
                    .chars()
                    .filter(|c| !c.is_control())
                    .take(ANSWER_KEPT)
                    .collect();
                let code = status.as_u16();
                let permanent = status.is_client_error() && !matches!(code, 408 | 425 | 429);
                Err((permanent, format!("HTTP {code} {}", answer.trim())))
            }
            Err(e) => {
                let what = if e.is_timeout() {
                    "no answer in time"
                } else if e.is_connect() {
                    "not reached"
                } else {
                    "request failed"
                };
                Err((false, format!("gateway {what}: {}", e.without_url())))
            }
        }
    }
}

/// What went wrong, for the log: the status or the kind of failure, never the answer's
/// text (it may quote the number).
pub fn log_class(permanent: bool, text: &str) -> String {
    let code = text
        .strip_prefix("HTTP ")
        .and_then(|r| r.get(..3))
        .filter(|c| c.chars().all(|ch| ch.is_ascii_digit()));
    match (permanent, code) {
        (true, Some(c)) => format!("refused for good (HTTP {c})"),
        (false, Some(c)) => format!("refused for now (HTTP {c})"),
        (_, None) if text.starts_with("gateway ") => text
            .split(':')
            .next()
            .unwrap_or("gateway failed")
            .to_string(),
        _ => "not sent".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(url: &str) -> SmsConfig {
        SmsConfig {
            url: Some(url.to_string()),
            ..SmsConfig::default()
        }
    }

    fn values() -> Values<'static> {
        Values {
            phone: "13800000000",
            text: "【常州市国土资源局】您的申请\"CZ-2024-0001\"已提交 & 待确认",
            kind: "acknowledgement",
            id: 42,
        }
    }

    #[test]
    fn the_default_request_is_json_with_the_number_and_text() {
        let g = Gateway::new(&config("https://sms.example.gov.cn/send"))
            .unwrap()
            .unwrap();
        let r = g.request(&values());
        assert_eq!(r.method, Method::POST);
        assert_eq!(r.url, "https://sms.example.gov.cn/send");
        let body = r.body.unwrap();
        let parsed: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert_eq!(parsed["phone"], "13800000000");
        assert_eq!(
            parsed["text"],
            "【常州市国土资源局】您的申请\"CZ-2024-0001\"已提交 & 待确认"
        );
    }

    #[test]
    fn values_are_escaped_for_where_they_stand() {
        // GET with the values in the query.
        let c = SmsConfig {
            method: "get".into(),
            body: String::new(),
            ..config("https://sms.example.gov.cn/send?to={phone}&msg={text}&tpl={kind}&ref={id}")
        };
        let r = Gateway::new(&c).unwrap().unwrap().request(&values());
        assert_eq!(r.method, Method::GET);
        assert_eq!(r.body, None);
        let u = url::Url::parse(&r.url).unwrap();
        let q: std::collections::HashMap<String, String> = u.query_pairs().into_owned().collect();
        assert_eq!(q["to"], "13800000000");
        assert_eq!(q["msg"], values().text);
        assert_eq!(q["tpl"], "acknowledgement");
        assert_eq!(q["ref"], "42");
        // A form body.
        let c = SmsConfig {
            content_type: "application/x-www-form-urlencoded".into(),
            body: "mobile={phone}&content={text}".into(),
            ..config("https://sms.example.gov.cn/send")
        };
        let body = Gateway::new(&c)
            .unwrap()
            .unwrap()
            .request(&values())
            .body
            .unwrap();
        let pairs: Vec<(String, String)> = url::form_urlencoded::parse(body.as_bytes())
            .into_owned()
            .collect();
        assert_eq!(pairs[0], ("mobile".into(), "13800000000".into()));
        assert_eq!(pairs[1].1, values().text);
        // Other braces stay; a value holding a placeholder's name is not filled again.
        let v = Values {
            text: "{phone}",
            ..values()
        };
        assert_eq!(fill("{a}{text}{", &v, Escape::Raw), "{a}{phone}{");
    }

    #[test]
    fn a_configuration_that_cannot_work_is_refused_without_the_credentials() {
        assert!(Gateway::new(&SmsConfig::default()).unwrap().is_none());
        let bad = |c: SmsConfig| Gateway::new(&c).unwrap_err();
        assert!(bad(config("ftp://sms.example.gov.cn/")).contains("GONGKAI_SMS_URL"));
        assert!(bad(config("not a url")).contains("GONGKAI_SMS_URL"));
        let e = bad(SmsConfig {
            method: "DELETE".into(),
            ..config("https://sms.example.gov.cn/send")
        });
        assert!(e.contains("GONGKAI_SMS_METHOD"), "{e}");
        // GET sends no body: the number must be in the URL.
        let e = bad(SmsConfig {
            method: "GET".into(),
            ..config("https://sms.example.gov.cn/send?msg={text}")
        });
        assert!(e.contains("{phone}"), "{e}");
        let e = bad(SmsConfig {
            body: r#"{"to":"{phone}"}"#.into(),
            ..config("https://sms.example.gov.cn/send")
        });
        assert!(e.contains("{text}"), "{e}");
        let e = bad(SmsConfig {
            auth: Some("Bearer secret\nX-Evil: 1".into()),
            ..config("https://sms.example.gov.cn/send")
        });
        assert!(
            e.contains("GONGKAI_SMS_AUTH") && !e.contains("secret"),
            "{e}"
        );
        let e = bad(SmsConfig {
            auth_header: "Bad Header".into(),
            auth: Some("Bearer secret".into()),
            ..config("https://sms.example.gov.cn/send")
        });
        assert!(
            e.contains("GONGKAI_SMS_AUTH_HEADER") && !e.contains("secret"),
            "{e}"
        );
        // The shown address keeps no credentials.
        let c = config("https://user:pw@sms.example.gov.cn:8443/send?key=secret&to={phone}");
        assert_eq!(
            c.shown_url().as_deref(),
            Some("https://sms.example.gov.cn:8443/send")
        );
        assert!(
            !format!(
                "{:?}",
                SmsConfig {
                    auth: Some("Bearer secret".into()),
                    ..c
                }
            )
            .contains("secret")
        );
    }

    #[test]
    fn the_log_keeps_the_status_not_the_answer() {
        assert_eq!(
            log_class(true, "HTTP 400 {\"error\":\"13800000000 is not valid\"}"),
            "refused for good (HTTP 400)"
        );
        assert_eq!(
            log_class(false, "HTTP 503 busy"),
            "refused for now (HTTP 503)"
        );
        assert_eq!(
            log_class(false, "gateway not reached: error sending request"),
            "gateway not reached"
        );
    }
}
