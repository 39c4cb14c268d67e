// The tables, written by hand so that one schema serves both backends
// (see migrations/sqlite and migrations/postgres, kept in lockstep).

diesel::table! {
    agencies (id) {
        id -> BigInt,
        code -> Text,
        name -> Text,
        short_name -> Text,
        kind -> Text,
        parent_id -> Nullable<BigInt>,
        address -> Text,
        phone -> Text,
        review_body -> Text,
        doc_prefix -> Text,
        doc_pattern -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    users (id) {
        id -> BigInt,
        username -> Text,
        display_name -> Text,
        email -> Text,
        password_hash -> Text,
        role -> Text,
        agency_id -> Nullable<BigInt>,
        active -> Bool,
        must_change_password -> Bool,
        session_epoch -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    calendar_days (day) {
        day -> Date,
        kind -> Text,
        festival -> Text,
        notice -> Text,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    settings (key) {
        key -> Text,
        value -> Text,
    }
}

diesel::table! {
    audit_log (id) {
        id -> BigInt,
        at -> Timestamp,
        user_id -> Nullable<BigInt>,
        username -> Text,
        action -> Text,
        target -> Text,
        detail -> Text,
    }
}

diesel::joinable!(users -> agencies (agency_id));
diesel::joinable!(audit_log -> users (user_id));
diesel::allow_tables_to_appear_in_same_query!(agencies, users, calendar_days, settings, audit_log);
