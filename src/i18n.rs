//! All text a user sees comes from one message catalogue per language
//! (locales/*/main.ftl): Simplified Chinese by default, English on request.

use fluent_templates::fluent_bundle::FluentValue;
use fluent_templates::{LanguageIdentifier, Loader, langid};
use std::borrow::Cow;
use std::collections::HashMap;

fluent_templates::static_loader! {
    static LOCALES = {
        locales: "./locales",
        fallback_language: "zh-CN",
        customise: |bundle| bundle.set_use_isolating(false),
    };
}

static ZH: LanguageIdentifier = langid!("zh-CN");
static EN: LanguageIdentifier = langid!("en");

#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    Zh,
    En,
}

impl Lang {
    pub fn parse(s: &str) -> Option<Lang> {
        match s {
            "zh" | "zh-CN" => Some(Lang::Zh),
            "en" => Some(Lang::En),
            _ => None,
        }
    }
    pub fn code(self) -> &'static str {
        match self {
            Lang::Zh => "zh",
            Lang::En => "en",
        }
    }
    /// The value for `<html lang>`.
    pub fn html(self) -> &'static str {
        match self {
            Lang::Zh => "zh-CN",
            Lang::En => "en",
        }
    }
    fn id(self) -> &'static LanguageIdentifier {
        match self {
            Lang::Zh => &ZH,
            Lang::En => &EN,
        }
    }
}

/// A translator for one language, handed to every template as `tr`.
#[derive(Clone, Copy, Debug, Default)]
pub struct Tr {
    pub lang: Lang,
}

impl Tr {
    pub fn new(lang: Lang) -> Tr {
        Tr { lang }
    }

    pub fn t(&self, key: &str) -> String {
        LOCALES
            .try_lookup(self.lang.id(), key)
            .unwrap_or_else(|| key.to_string())
    }

    /// A month's name (1 = January); templates pass a reference.
    pub fn month(&self, month: impl std::borrow::Borrow<u32>) -> String {
        self.t(&format!("month-{}", month.borrow()))
    }

    /// A message with named arguments, e.g. `ta("due-in", &[("days", "3")])`.
    pub fn ta(&self, key: &str, args: &[(&'static str, &str)]) -> String {
        let map: HashMap<Cow<'static, str>, FluentValue> = args
            .iter()
            .map(|(k, v)| (Cow::Borrowed(*k), FluentValue::from(v.to_string())))
            .collect();
        LOCALES
            .try_lookup_with_args(self.lang.id(), key, &map)
            .unwrap_or_else(|| key.to_string())
    }

    /// "Label: value", with the separator of the language (Chinese writes a
    /// full-width colon, English a colon and a space).
    pub fn labelled(&self, key: &str, value: impl std::fmt::Display) -> String {
        self.ta(
            "label-value",
            &[("label", &self.t(key)), ("value", &value.to_string())],
        )
    }

    /// A message with one argument, handy in templates.
    pub fn ta1(&self, key: &str, name: &'static str, value: impl std::fmt::Display) -> String {
        self.ta(key, &[(name, &value.to_string())])
    }

    /// The limit stated beside a text field, e.g. "最多 100 字".
    pub fn max_chars(&self, max: impl std::fmt::Display) -> String {
        self.ta1("field-max-chars", "max", max)
    }

    /// A message keyed by a prefix and a code, e.g. `code("role", "clerk")`.
    pub fn code(&self, prefix: &str, code: &str) -> String {
        self.t(&code_key(prefix, code))
    }

    /// Like `code`, but a code without a message is shown as it is (a
    /// value recorded long ago), not as a catalogue key.
    pub fn code_or_raw(&self, prefix: &str, code: &str) -> String {
        LOCALES
            .try_lookup(self.lang.id(), &code_key(prefix, code))
            .unwrap_or_else(|| code.to_string())
    }

    /// Items joined as a list in running text ("；" or "; ").
    pub fn list(&self, items: &[String]) -> String {
        items.join(&self.t("list-separator"))
    }

    /// Names joined in running text ("张三、李四" or "张三, 李四").
    pub fn names(&self, names: &[String]) -> String {
        names.join(&self.t("names-separator"))
    }
}

/// The catalogue key for a code: `role` + `clerk` is `role-clerk`,
/// `audit-action` + `login.success` is `audit-action-login-success`.
fn code_key(prefix: &str, code: &str) -> String {
    format!("{prefix}-{}", code.replace(['_', '.'], "-"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    fn keys(src: &str) -> BTreeSet<String> {
        src.lines()
            .filter(|l| !l.starts_with([' ', '#', '\t']) && l.contains(" ="))
            .map(|l| l.split(" =").next().unwrap_or("").trim().to_string())
            .collect()
    }

    #[test]
    fn both_catalogues_have_the_same_keys() {
        let zh = keys(include_str!("../locales/zh-CN/main.ftl"));
        let en = keys(include_str!("../locales/en/main.ftl"));
        let only_zh: Vec<_> = zh.difference(&en).collect();
        let only_en: Vec<_> = en.difference(&zh).collect();
        assert!(only_zh.is_empty(), "missing in en: {only_zh:?}");
        assert!(only_en.is_empty(), "missing in zh-CN: {only_en:?}");
    }

    /// English text uses English punctuation; Chinese names inside a
    /// message (an example agency, or a law's title in its book-title
    /// marks 《》, as it is typed into a letter) are data and may stay.
    #[test]
    fn english_messages_have_no_full_width_punctuation() {
        let full_width = |c: char| {
            matches!(c, '\u{3000}'..='\u{303F}' | '\u{FF01}'..='\u{FF0F}' | '\u{FF1A}'..='\u{FF20}'
                | '\u{FF3B}'..='\u{FF40}' | '\u{FF5B}'..='\u{FF65}')
        };
        let without_titles = |l: &str| -> String {
            let mut out = String::new();
            let mut rest = l;
            while let Some((before, after)) = rest.split_once('《') {
                out.push_str(before);
                rest = after.split_once('》').map_or("", |(_, r)| r);
            }
            out + rest
        };
        let bad: Vec<&str> = include_str!("../locales/en/main.ftl")
            .lines()
            .filter(|l| without_titles(l).chars().any(full_width))
            .collect();
        assert!(bad.is_empty(), "full-width punctuation in English: {bad:?}");
        let sample = "名称：（）、。「」；";
        assert_eq!(sample.chars().filter(|c| full_width(*c)).count(), 8);
        assert_eq!(
            without_titles("e.g. 《统计法》 art. 39，"),
            "e.g.  art. 39，"
        );
    }

    #[test]
    fn labels_and_values_are_joined_as_the_language_writes_them() {
        let (zh, en) = (Tr::new(Lang::Zh), Tr::new(Lang::En));
        assert_eq!(
            en.labelled("field-due", "2024-10-29"),
            "Answer due: 2024-10-29"
        );
        assert_eq!(
            zh.labelled("field-due", "2024-10-29"),
            "答复期限：2024-10-29"
        );
    }

    #[test]
    fn every_key_a_template_uses_exists() {
        let zh = keys(include_str!("../locales/zh-CN/main.ftl"));
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/templates");
        let mut missing = Vec::new();
        for entry in walk(std::path::Path::new(dir)) {
            let text = std::fs::read_to_string(&entry).unwrap();
            for call in ["tr.t(\"", "tr.ta(\"", "tr.ta1(\"", "tr.labelled(\""] {
                for part in text.split(call).skip(1) {
                    let key = part.split('"').next().unwrap();
                    if !zh.contains(key) {
                        missing.push(format!("{}: {key}", entry.display()));
                    }
                }
            }
        }
        assert!(missing.is_empty(), "keys not in the catalogue: {missing:?}");
    }

    /// The audit log stores codes and shows labels: every action gongkai
    /// can record (`audit::record` takes an `Action`, so `Action::ALL` is
    /// every code in the source) and every detail field has one.
    #[test]
    fn every_audit_action_and_field_has_a_label() {
        use crate::db::audit::{Action, Field};
        let zh = keys(include_str!("../locales/zh-CN/main.ftl"));
        let en = keys(include_str!("../locales/en/main.ftl"));
        let wanted = Action::ALL
            .iter()
            .map(|a| code_key("audit-action", a.code()))
            .chain(Field::ALL.iter().map(|f| code_key("audit-field", f.code())));
        let missing: Vec<String> = wanted
            .filter(|k| !zh.contains(k) || !en.contains(k))
            .collect();
        assert!(missing.is_empty(), "no label for {missing:?}");
    }

    #[test]
    fn lists_are_joined_as_the_language_writes_them() {
        let items = ["a".to_string(), "b".to_string()];
        assert_eq!(Tr::new(Lang::En).list(&items), "a; b");
        assert_eq!(Tr::new(Lang::Zh).list(&items), "a；b");
        assert_eq!(Tr::new(Lang::En).names(&items), "a, b");
        assert_eq!(Tr::new(Lang::Zh).names(&items), "a、b");
    }

    fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
        let mut out = Vec::new();
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                out.extend(walk(&p));
            } else {
                out.push(p);
            }
        }
        out
    }

    #[test]
    fn limits_are_stated_in_the_language() {
        assert_eq!(Tr::new(Lang::En).max_chars(100), "at most 100 characters");
        assert_eq!(Tr::new(Lang::Zh).max_chars(100), "最多 100 字");
    }

    #[test]
    fn lookups_translate_and_fill_arguments() {
        let zh = Tr::new(Lang::Zh);
        let en = Tr::new(Lang::En);
        assert_eq!(en.t("nav-logout"), "Log out");
        assert_eq!(zh.t("nav-logout"), "退出");
        assert!(en.ta("login-locked", &[("minutes", "15")]).contains("15"));
    }

    #[test]
    fn months_are_named() {
        let (zh, en) = (Tr::new(Lang::Zh), Tr::new(Lang::En));
        assert_eq!(en.month(1), "January");
        assert_eq!(en.month(12), "December");
        assert_eq!(zh.month(1), "1 月");
        for m in 1..=12 {
            assert!(!en.month(m).starts_with("month-"), "{m}");
            assert!(!zh.month(m).starts_with("month-"), "{m}");
        }
    }
}
