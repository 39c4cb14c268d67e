//! Statements slower than GONGKAI_SLOW_QUERY_MS are logged with their time and
//! SQL text (never their bound values, which can be personal data): the
//! per-statement profile of a page under load.

use diesel::connection::{Instrumentation, InstrumentationEvent};
use std::time::{Duration, Instant};

pub struct SlowQueries {
    threshold: Duration,
    started: Option<Instant>,
}

/// The instrumentation for a new connection, when GONGKAI_SLOW_QUERY_MS is set.
pub fn from_env() -> Option<SlowQueries> {
    let ms: u64 = std::env::var("GONGKAI_SLOW_QUERY_MS").ok()?.parse().ok()?;
    Some(SlowQueries {
        threshold: Duration::from_millis(ms),
        started: None,
    })
}

/// The statement without diesel's "-- binds: [...]" tail.
fn statement(query: &dyn std::fmt::Display) -> String {
    let text = query.to_string();
    match text.find(" -- binds:") {
        Some(at) => text[..at].to_string(),
        None => text,
    }
}

impl Instrumentation for SlowQueries {
    fn on_connection_event(&mut self, event: InstrumentationEvent<'_>) {
        match event {
            InstrumentationEvent::StartQuery { .. } => self.started = Some(Instant::now()),
            InstrumentationEvent::FinishQuery { query, .. } => {
                if let Some(took) = self.started.take().map(|s| s.elapsed())
                    && took >= self.threshold
                {
                    log::warn!(
                        "slow statement, {:.1} ms: {}",
                        took.as_secs_f64() * 1000.0,
                        statement(&query)
                    );
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bound_values_stay_out_of_the_log() {
        let shown = statement(&"SELECT 1 WHERE name = ? -- binds: [\"张三\"]");
        assert_eq!(shown, "SELECT 1 WHERE name = ?");
    }
}
