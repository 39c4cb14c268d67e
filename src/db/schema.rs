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
        mail_reminders -> Bool,
        phone -> Text,
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

diesel::table! {
    topics (id) {
        id -> BigInt,
        name -> Text,
        position -> Integer,
        active -> Bool,
    }
}

diesel::table! {
    requesters (id) {
        id -> BigInt,
        kind -> Text,
        name -> Text,
        id_type -> Text,
        id_number -> Text,
        credit_code -> Text,
        phone -> Text,
        email -> Text,
        address -> Text,
        name_lower -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    cases (id) {
        id -> BigInt,
        tracking_no -> Text,
        agency_id -> BigInt,
        year -> Integer,
        seq -> Integer,
        requester_id -> BigInt,
        requester_kind -> Text,
        requester_name -> Text,
        channel -> Text,
        letter_signed -> Bool,
        arrived_at -> Timestamp,
        confirmed_on -> Nullable<Date>,
        received_on -> Date,
        subject -> Text,
        delivery_form -> Text,
        topic -> Text,
        assigned_to -> Nullable<BigInt>,
        status -> Text,
        clock -> Text,
        due_on -> Nullable<Date>,
        extended -> Bool,
        extension_pending -> Bool,
        outcome -> Nullable<Text>,
        closed_on -> Nullable<Date>,
        late -> Bool,
        search -> Text,
        public_code -> Text,
        intake_token -> Nullable<Text>,
        version -> Integer,
        updated_by -> Nullable<BigInt>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    case_events (id) {
        id -> BigInt,
        case_id -> BigInt,
        at -> Timestamp,
        user_id -> Nullable<BigInt>,
        kind -> Text,
        on_date -> Nullable<Date>,
        data -> Text,
    }
}

diesel::table! {
    letters (id) {
        id -> BigInt,
        case_id -> BigInt,
        kind -> Text,
        doc_number -> Nullable<Text>,
        year -> Integer,
        serial -> Nullable<Integer>,
        title -> Text,
        body -> Text,
        issued_on -> Date,
        issued_at -> Timestamp,
        issued_by -> Nullable<BigInt>,
    }
}

diesel::table! {
    counters (agency_id, year, name) {
        agency_id -> BigInt,
        year -> Integer,
        name -> Text,
        value -> Integer,
    }
}

diesel::table! {
    sessions (id) {
        id -> Text,
        user_id -> BigInt,
        created_at -> Timestamp,
        seen_at -> Timestamp,
    }
}

diesel::table! {
    login_attempts (key) {
        key -> Text,
        attempts -> Integer,
        window_start -> Timestamp,
    }
}

diesel::table! {
    appeals (id) {
        id -> BigInt,
        case_id -> BigInt,
        kind -> Text,
        grounds -> Text,
        review_id -> Nullable<BigInt>,
        filed_on -> Date,
        body -> Text,
        body_case_no -> Text,
        served_on -> Nullable<Date>,
        answered_on -> Nullable<Date>,
        result -> Nullable<Text>,
        decided_on -> Nullable<Date>,
        doc_numbers -> Text,
        notes -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    report_snapshots (id) {
        id -> BigInt,
        agency_id -> BigInt,
        year -> Integer,
        profile -> Text,
        body -> Text,
        reason -> Text,
        finalised_by -> Nullable<BigInt>,
        finalised_at -> Timestamp,
    }
}

diesel::table! {
    report_baselines (agency_id, year) {
        agency_id -> BigInt,
        year -> Integer,
        received -> BigInt,
        reviews -> BigInt,
        lawsuits -> BigInt,
    }
}

diesel::table! {
    outbox (id) {
        id -> BigInt,
        kind -> Text,
        recipient -> Text,
        user_id -> Nullable<BigInt>,
        case_id -> Nullable<BigInt>,
        subject -> Text,
        body_text -> Text,
        body_html -> Text,
        dedupe_key -> Text,
        status -> Text,
        attempts -> Integer,
        next_attempt_at -> Timestamp,
        lease_until -> Nullable<Timestamp>,
        leased_by -> Nullable<Text>,
        last_error -> Text,
        created_at -> Timestamp,
        sent_at -> Nullable<Timestamp>,
        channel -> Text,
    }
}

diesel::table! {
    ledger_uploads (id) {
        id -> BigInt,
        user_id -> BigInt,
        file_name -> Text,
        content -> Binary,
        created_at -> Timestamp,
    }
}

diesel::table! {
    applications (id) {
        id -> BigInt,
        agency_id -> BigInt,
        tracking_no -> Text,
        year -> Integer,
        seq -> Integer,
        requester_kind -> Text,
        requester_name -> Text,
        id_type -> Text,
        id_number -> Text,
        phone -> Text,
        email -> Text,
        address -> Text,
        subject -> Text,
        delivery_form -> Text,
        arrived_at -> Timestamp,
        status -> Text,
        reason -> Text,
        decided_on -> Nullable<Date>,
        decided_by -> Nullable<BigInt>,
        case_id -> Nullable<BigInt>,
        code_hash -> Text,
        form_token -> Text,
    }
}

diesel::table! {
    attachments (id) {
        id -> BigInt,
        case_id -> Nullable<BigInt>,
        application_id -> Nullable<BigInt>,
        kind -> Text,
        file_name -> Text,
        media_type -> Text,
        size -> BigInt,
        content -> Binary,
        uploaded_by -> Nullable<BigInt>,
        uploaded_at -> Timestamp,
    }
}

diesel::table! {
    review_steps (agency_id, step) {
        agency_id -> BigInt,
        step -> Text,
    }
}

diesel::table! {
    application_forwards (id) {
        id -> BigInt,
        application_id -> BigInt,
        from_agency_id -> BigInt,
        to_agency_id -> BigInt,
        from_no -> Text,
        to_no -> Text,
        reason -> Text,
        forwarded_by -> BigInt,
        forwarded_at -> Timestamp,
    }
}

diesel::table! {
    unit_tasks (id) {
        id -> BigInt,
        case_id -> BigInt,
        unit_id -> BigInt,
        asked_by -> BigInt,
        asked_on -> Date,
        due_on -> Date,
        note -> Text,
        status -> Text,
        signed_by -> Nullable<BigInt>,
        signed_on -> Nullable<Date>,
        answer -> Text,
        answered_by -> Nullable<BigInt>,
        answered_on -> Nullable<Date>,
    }
}

diesel::table! {
    review_queue (case_id) {
        case_id -> BigInt,
        step -> Text,
        round -> Integer,
        since -> Date,
        drafted_by -> Nullable<BigInt>,
    }
}

diesel::table! {
    generations (name) {
        name -> Text,
        n -> BigInt,
    }
}

diesel::table! {
    case_grams (gram, case_id) {
        gram -> BigInt,
        case_id -> BigInt,
    }
}

diesel::joinable!(applications -> agencies (agency_id));
diesel::joinable!(case_grams -> cases (case_id));
diesel::joinable!(unit_tasks -> cases (case_id));
diesel::joinable!(application_forwards -> applications (application_id));
diesel::joinable!(review_queue -> cases (case_id));
diesel::joinable!(sessions -> users (user_id));
diesel::joinable!(appeals -> cases (case_id));
diesel::joinable!(cases -> agencies (agency_id));
diesel::joinable!(cases -> requesters (requester_id));
diesel::joinable!(case_events -> cases (case_id));
diesel::joinable!(letters -> cases (case_id));
diesel::allow_tables_to_appear_in_same_query!(
    agencies,
    generations,
    case_grams,
    users,
    calendar_days,
    settings,
    audit_log,
    topics,
    requesters,
    cases,
    case_events,
    letters,
    counters,
    sessions,
    login_attempts,
    appeals,
    report_snapshots,
    report_baselines,
    ledger_uploads,
    outbox,
    applications,
    attachments,
    application_forwards,
    unit_tasks,
    review_steps,
    review_queue
);
