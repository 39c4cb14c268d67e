-- SMS go through the outbox with mail: a row's channel says which, and the
-- worker claims only the channels it can deliver. For an SMS the recipient is
-- the mobile number, the subject is empty and body_text is the message.
ALTER TABLE outbox ADD COLUMN channel TEXT NOT NULL DEFAULT 'mail' CHECK (channel IN ('mail', 'sms'));

-- A member of staff's mobile number, for reminders and extension requests by SMS
-- (empty: none).
ALTER TABLE users ADD COLUMN phone TEXT NOT NULL DEFAULT '';

-- A letter to an applicant who gave only a mobile number asks whether the case came in
-- online (the SMS then points to the tracking page).
CREATE INDEX applications_case ON applications (case_id);
