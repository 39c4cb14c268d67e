//! Signing in and out, passwords, throttling, CSRF, roles: over HTTP, on both databases.

mod common;
use common::{PASSWORD, TestApp};
use gongkai::db::{self, audit::Actor};
use gongkai::service;

both_backends!(
    login_renews_session_and_logout_ends_it,
    first_login_forces_a_password_change,
    wrong_password_then_lockout,
    a_locked_account_shows_and_can_be_unlocked,
    forms_without_a_valid_token_are_refused,
    clerk_and_supervisor_cannot_use_admin_pages,
    deactivation_and_reset_end_sessions,
    reset_and_deactivation_are_confirmed_first,
    duplicate_username_and_bad_input_are_explained,
    language_switch_and_security_headers,
    the_header_names_the_role_once,
    health_check_answers_when_the_database_does,
);

async fn login_renews_session_and_logout_ends_it(app: TestApp) {
    app.agency("CZ", "常州市人民政府", "government", None);
    app.user("wang", "clerk", Some("CZ"));
    let b = app.browser();
    b.get("/").await.assert_redirect("/login");
    let before = b.get("/login").await;
    let token_before = before.csrf();
    b.login("wang", PASSWORD).await.assert_redirect("/");
    b.get("/").await.assert_redirect("/cases/mine");
    let home = b.get("/cases/mine").await;
    home.assert_ok()
        .assert_contains("我的案件")
        .assert_contains("wang");
    // A new session at login: the pre-login token no longer works.
    assert_ne!(home.csrf(), token_before);
    let stale = b
        .post_raw("/logout", &[("csrf_token", &token_before)])
        .await;
    stale.assert_status(403);
    // Usernames ignore case.
    let other = app.browser();
    other.login("WANG", PASSWORD).await.assert_redirect("/");
    let token = home.csrf();
    b.post_raw("/logout", &[("csrf_token", &token)])
        .await
        .assert_redirect("/login");
    b.get("/").await.assert_redirect("/login");
    let audit: Vec<String> = app.with_conn(|c| {
        db::audit::list(c, &Default::default(), 0, 100)
            .unwrap()
            .0
            .into_iter()
            .map(|e| e.action)
            .collect()
    });
    assert!(audit.contains(&"login.success".to_string()));
    assert!(audit.contains(&"logout".to_string()));
}

async fn first_login_forces_a_password_change(app: TestApp) {
    // The bootstrap administrator has a one-time password; make our own the same way.
    let (id, one_time) = app.with_conn(|c| {
        let input = service::users::UserInput {
            username: "li".into(),
            role: "admin".into(),
            ..Default::default()
        };
        service::users::create(c, &Actor::system(), &input, None).unwrap()
    });
    let one_time = one_time.expect("a one-time password");
    let b = app.browser();
    b.login("li", &one_time)
        .await
        .assert_redirect("/account/password");
    b.get("/").await.assert_redirect("/account/password");
    b.get("/admin/users")
        .await
        .assert_redirect("/account/password");
    let page = b.get("/account/password").await;
    page.assert_ok().assert_contains("一次性密码");
    let r = b
        .submit(
            "/account/password",
            "/account/password",
            &[
                ("current", "nope"),
                ("password", "a new secret pw"),
                ("confirm", "a new secret pw"),
            ],
        )
        .await;
    r.assert_status(400).assert_contains("当前密码不正确");
    let r = b
        .submit(
            "/account/password",
            "/account/password",
            &[
                ("current", &one_time),
                ("password", "short"),
                ("confirm", "short"),
            ],
        )
        .await;
    r.assert_status(400).assert_contains("至少需要 10 个字符");
    let r = b
        .submit(
            "/account/password",
            "/account/password",
            &[
                ("current", &one_time),
                ("password", "a new secret pw"),
                ("confirm", "another secret"),
            ],
        )
        .await;
    r.assert_status(400).assert_contains("不一致");
    let r = b
        .submit(
            "/account/password",
            "/account/password",
            &[
                ("current", &one_time),
                ("password", "a new secret pw"),
                ("confirm", "a new secret pw"),
            ],
        )
        .await;
    r.assert_redirect("/");
    b.get("/").await.assert_ok().assert_contains("密码已修改");
    let user = app.with_conn(|c| db::users::find(c, id).unwrap().unwrap());
    assert!(!user.must_change_password);
    assert!(user.password_hash.starts_with("$argon2id$"));
    // The old password no longer works, the new one does.
    app.browser()
        .login("li", &one_time)
        .await
        .assert_status(401);
    app.browser()
        .login("li", "a new secret pw")
        .await
        .assert_redirect("/");
}

async fn wrong_password_then_lockout(app: TestApp) {
    app.user("zhao", "admin", None);
    let b = app.browser();
    let r = b.login("zhao", "wrong password").await;
    r.assert_status(401).assert_contains("用户名或密码错误");
    // An unknown user gets the same answer.
    b.login("nobody", "wrong password")
        .await
        .assert_status(401)
        .assert_contains("用户名或密码错误");
    for _ in 0..4 {
        b.login("zhao", "wrong password").await.assert_status(401);
    }
    // Five failures: even the right password is refused for now.
    let r = b.login("zhao", PASSWORD).await;
    r.assert_status(429).assert_contains("分钟后再试");
    let failures = app.with_conn(|c| {
        let f = db::audit::Filter {
            action: Some("login.failure".into()),
            ..Default::default()
        };
        db::audit::list(c, &f, 0, 100).unwrap().1
    });
    assert_eq!(failures, 6);
}

async fn a_locked_account_shows_and_can_be_unlocked(app: TestApp) {
    app.agency("CZ", "常州市人民政府", "government", None);
    let admin = app.signed_in("boss", "admin", None).await;
    app.user("chen", "clerk", Some("CZ"));
    let guesser = app.browser();
    for _ in 0..gongkai::auth::ACCOUNT_LIMIT {
        guesser
            .login("Chen", "wrong guess")
            .await
            .assert_status(401);
    }
    // The next attempt is refused even with the right password...
    let clerk = app.browser();
    clerk.login("chen", PASSWORD).await.assert_status(429);
    // ...and the users page says so, until when (China time), with a button.
    let started = app.with_conn(|c| {
        db::login_attempts::accounts(c)
            .unwrap()
            .into_iter()
            .find(|(k, _, _)| k == "u:chen")
            .unwrap()
            .2
    });
    let until = gongkai::domain::calendar::china_time(
        started + chrono::Duration::minutes(gongkai::auth::WINDOW_MINUTES),
    )
    .format("%Y-%m-%d %H:%M")
    .to_string();
    let users = admin.get("/admin/users").await;
    users
        .assert_ok()
        .assert_contains(&format!("登录已锁定，至 {until}"))
        .assert_contains("/unlock\"");
    assert_eq!(users.texts("div.locked").len(), 1, "only chen is locked");
    let chen = app.with_conn(|c| db::users::find_by_username(c, "chen").unwrap().unwrap().id);
    admin
        .submit("/admin/users", &format!("/admin/users/{chen}/unlock"), &[])
        .await
        .assert_redirect("/admin/users");
    admin
        .get("/admin/users")
        .await
        .assert_contains("已解除用户 chen 的登录锁定")
        .assert_lacks("登录已锁定");
    clerk.login("chen", PASSWORD).await.assert_redirect("/");
    let unlocked = app.with_conn(|c| {
        let f = db::audit::Filter {
            action: Some("user.unlock".into()),
            ..Default::default()
        };
        db::audit::list(c, &f, 0, 10).unwrap().0
    });
    assert_eq!(unlocked.len(), 1);
    assert_eq!(
        (unlocked[0].username.as_str(), unlocked[0].target.as_str()),
        ("boss", "chen")
    );
    // Unlocking needs the form's token, like every post.
    admin
        .post_raw(&format!("/admin/users/{chen}/unlock"), &[])
        .await
        .assert_status(403);
}

async fn forms_without_a_valid_token_are_refused(app: TestApp) {
    app.user("admin2", "admin", None);
    let b = app.browser();
    b.get("/login").await;
    b.post_raw("/login", &[("username", "admin2"), ("password", PASSWORD)])
        .await
        .assert_status(403)
        .assert_contains("表单已过期");
    b.login("admin2", PASSWORD).await.assert_redirect("/");
    let r = b
        .post_raw(
            "/admin/agencies/new",
            &[
                ("csrf_token", "forged"),
                ("code", "X"),
                ("name", "X"),
                ("kind", "government"),
            ],
        )
        .await;
    r.assert_status(403);
    let r = b
        .post_raw(
            "/admin/agencies/new",
            &[("code", "X"), ("name", "X"), ("kind", "government")],
        )
        .await;
    r.assert_status(403);
    assert_eq!(app.with_conn(|c| db::agencies::count(c).unwrap()), 0);
}

async fn clerk_and_supervisor_cannot_use_admin_pages(app: TestApp) {
    app.agency("CZ", "常州市人民政府", "government", None);
    for (name, role) in [("clerk1", "clerk"), ("super1", "supervisor")] {
        let b = app.signed_in(name, role, Some("CZ")).await;
        for path in [
            "/admin/agencies",
            "/admin/agencies/new",
            "/admin/users",
            "/admin/users/new",
            "/admin/calendar",
            "/admin/audit",
        ] {
            b.get(path).await.assert_status(403).assert_contains("无权");
        }
        // A valid token does not make a clerk an administrator.
        let token = b.get("/account/password").await.csrf();
        for (path, fields) in [
            (
                "/admin/agencies/new",
                vec![("code", "X"), ("name", "X"), ("kind", "government")],
            ),
            (
                "/admin/users/new",
                vec![("username", "evil"), ("role", "admin")],
            ),
            (
                "/admin/calendar/day",
                vec![("date", "2024-10-08"), ("kind", "holiday")],
            ),
            (
                "/admin/agencies/import",
                vec![("csv", "code,name,kind\nX,X,government\n")],
            ),
        ] {
            let mut all = vec![("csrf_token", token.as_str())];
            all.extend(fields);
            b.post_raw(path, &all).await.assert_status(403);
        }
    }
    app.with_conn(|c| {
        assert_eq!(db::agencies::count(c).unwrap(), 1);
        assert!(db::users::find_by_username(c, "evil").unwrap().is_none());
    });
}

async fn deactivation_and_reset_end_sessions(app: TestApp) {
    app.agency("CZ", "常州市人民政府", "government", None);
    let admin = app.signed_in("boss", "admin", None).await;
    let clerk_id = app.user("chen", "clerk", Some("CZ"));
    let clerk = app.browser();
    clerk.login("chen", PASSWORD).await.assert_redirect("/");
    clerk.get("/cases/mine").await.assert_ok();
    let page = format!("/admin/users/{clerk_id}");
    admin
        .submit(
            &format!("/admin/users/{clerk_id}/deactivate"),
            &format!("/admin/users/{clerk_id}/active"),
            &[("active", "false"), ("confirm", "yes")],
        )
        .await
        .assert_redirect(&page);
    clerk.get("/cases/mine").await.assert_redirect("/login");
    clerk.login("chen", PASSWORD).await.assert_status(401);
    admin
        .submit(
            &page,
            &format!("/admin/users/{clerk_id}/active"),
            &[("active", "true")],
        )
        .await
        .assert_redirect(&page);
    clerk.login("chen", PASSWORD).await.assert_redirect("/");
    // A reset shows a one-time password once and ends the user's sessions.
    let reset = format!("/admin/users/{clerk_id}/reset");
    let r = admin.submit(&reset, &reset, &[("confirm", "yes")]).await;
    r.assert_ok();
    let password = r.texts("code.secret").pop().unwrap();
    assert_eq!(password.len(), 16);
    clerk.get("/").await.assert_redirect("/login");
    clerk
        .login("chen", &password)
        .await
        .assert_redirect("/account/password");
    // The administrator cannot lock themselves out.
    let me = app.with_conn(|c| db::users::find_by_username(c, "boss").unwrap().unwrap().id);
    let mine = format!("/admin/users/{me}");
    admin
        .submit(
            &format!("/admin/users/{me}/deactivate"),
            &format!("/admin/users/{me}/active"),
            &[("active", "false"), ("confirm", "yes")],
        )
        .await;
    admin
        .get(&mine)
        .await
        .assert_ok()
        .assert_contains("不能停用自己的账户");
}

async fn reset_and_deactivation_are_confirmed_first(app: TestApp) {
    app.agency("CZ", "常州市人民政府", "government", None);
    let admin = app.signed_in("boss", "admin", None).await;
    let chen = app.user("chen", "clerk", Some("CZ"));
    let clerk = app.browser();
    clerk.login("chen", PASSWORD).await.assert_redirect("/");
    let page = format!("/admin/users/{chen}");
    let (reset, deactivate) = (format!("{page}/reset"), format!("{page}/deactivate"));
    // The account page links to the confirmation pages; it posts neither.
    admin
        .get(&page)
        .await
        .assert_ok()
        .assert_contains(&format!("href=\"{reset}\""))
        .assert_contains(&format!("href=\"{deactivate}\""))
        .assert_lacks(&format!("action=\"{reset}\""));
    // Each confirmation page names the account and says what will happen.
    admin
        .get(&reset)
        .await
        .assert_ok()
        .assert_contains("重置 chen 的密码？")
        .assert_contains("当前密码立即失效")
        .assert_contains(&format!("action=\"{reset}\""))
        .assert_contains("name=\"confirm\" value=\"yes\"");
    admin
        .get(&deactivate)
        .await
        .assert_ok()
        .assert_contains("停用 chen？")
        .assert_contains("将不能再登录")
        .assert_contains(&format!("action=\"{page}/active\""));
    // Posted without the confirmation (a forged or old form): refused with
    // a message, the confirmation offered again, nothing done.
    admin
        .submit(&page, &reset, &[])
        .await
        .assert_status(400)
        .assert_contains("尚未确认，未做任何更改")
        .assert_contains("name=\"confirm\" value=\"yes\"");
    admin
        .submit(&page, &format!("{page}/active"), &[("active", "false")])
        .await
        .assert_status(400)
        .assert_contains("尚未确认，未做任何更改")
        .assert_contains("停用 chen？");
    let after = app.with_conn(|c| db::users::find(c, chen).unwrap().unwrap());
    assert!(after.active && !after.must_change_password);
    clerk.get("/cases/mine").await.assert_ok();
    // In English too.
    admin.get("/lang/en").await;
    admin
        .get(&reset)
        .await
        .assert_contains("Reset the password of chen?")
        .assert_contains("stops working at once");
    admin
        .submit(&page, &reset, &[("confirm", "no")])
        .await
        .assert_status(400)
        .assert_contains("Not confirmed, so nothing was changed");
    // Confirmed, it happens.
    admin
        .submit(
            &deactivate,
            &format!("{page}/active"),
            &[("active", "false"), ("confirm", "yes")],
        )
        .await
        .assert_redirect(&page);
    clerk.get("/cases/mine").await.assert_redirect("/login");
    // Reactivating asks nothing.
    admin
        .submit(&page, &format!("{page}/active"), &[("active", "true")])
        .await
        .assert_redirect(&page);
    assert!(app.with_conn(|c| db::users::find(c, chen).unwrap().unwrap().active));
}

async fn duplicate_username_and_bad_input_are_explained(app: TestApp) {
    app.agency("CZ", "常州市人民政府", "government", None);
    let admin = app.signed_in("boss", "admin", None).await;
    let cz = app.with_conn(|c| {
        db::agencies::find_by_code(c, "CZ")
            .unwrap()
            .unwrap()
            .id
            .to_string()
    });
    let r = admin
        .submit(
            "/admin/users/new",
            "/admin/users/new",
            &[
                ("username", "Zhou"),
                ("display_name", "周"),
                ("role", "clerk"),
                ("agency_id", &cz),
            ],
        )
        .await;
    r.assert_ok().assert_contains("一次性密码");
    let r = admin
        .submit(
            "/admin/users/new",
            "/admin/users/new",
            &[
                ("username", "zhou"),
                ("display_name", "周二"),
                ("role", "clerk"),
                ("agency_id", &cz),
            ],
        )
        .await;
    r.assert_status(400)
        .assert_contains("该用户名已被使用")
        .assert_contains("周二");
    let r = admin
        .submit(
            "/admin/users/new",
            "/admin/users/new",
            &[("username", "wu"), ("role", "clerk"), ("agency_id", "")],
        )
        .await;
    r.assert_status(400).assert_contains("必须属于一个机关");
    let r = admin
        .submit(
            "/admin/users/new",
            "/admin/users/new",
            &[
                ("username", "has space"),
                ("role", "clerk"),
                ("agency_id", &cz),
            ],
        )
        .await;
    r.assert_status(400).assert_contains("用户名只能包含");
    let r = admin
        .submit(
            "/admin/users/new",
            "/admin/users/new",
            &[("username", "wu"), ("role", "emperor"), ("agency_id", &cz)],
        )
        .await;
    r.assert_status(400).assert_contains("请从列表中选择");
    let users = app.with_conn(|c| db::users::all(c).unwrap().len());
    assert_eq!(
        users, 3,
        "the bootstrap admin, boss and zhou; nothing half-written"
    );
}

async fn language_switch_and_security_headers(app: TestApp) {
    let b = app.browser();
    let page = b.get("/login").await;
    page.assert_contains("<html lang=\"zh-CN\">");
    for h in [
        "content-security-policy",
        "x-frame-options",
        "x-content-type-options",
        "referrer-policy",
    ] {
        assert!(page.headers.contains_key(h), "missing header {h}");
    }
    let csp = page.headers["content-security-policy"].to_str().unwrap();
    assert!(csp.contains("frame-ancestors 'none'") && !csp.contains("unsafe-inline"));
    let cookie = page.headers["set-cookie"].to_str().unwrap();
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"));
    b.get("/lang/en?next=/login")
        .await
        .assert_redirect("/login");
    b.get("/login")
        .await
        .assert_contains("<html lang=\"en\">")
        .assert_contains("Log in");
    // Open redirects are not followed.
    b.get("/lang/en?next=//evil.example")
        .await
        .assert_redirect("/");
    let missing = b.get("/no/such/page").await;
    missing
        .assert_status(404)
        .assert_contains("This page does not exist");
    let css = b.get("/static/style.css").await;
    css.assert_ok().assert_contains("@media print");
}

async fn the_header_names_the_role_once(app: TestApp) {
    app.agency("CZ", "常州市人民政府", "government", None);
    // An administrator whose name is only the role's, as the first one is.
    let input = service::users::UserInput {
        username: "chief".into(),
        display_name: "Administrator".into(),
        role: "admin".into(),
        ..Default::default()
    };
    app.with_conn(|c| service::users::create(c, &Actor::system(), &input, Some(PASSWORD)))
        .unwrap();
    let b = app.browser();
    b.login("chief", PASSWORD).await.assert_redirect("/");
    b.get("/lang/en").await;
    let who = b.get("/").await.texts("header .who span");
    assert_eq!(who, vec!["chief · Administrator"]);
    b.get("/lang/zh").await;
    assert_eq!(
        b.get("/").await.texts("header .who span"),
        vec!["chief · 管理员"]
    );
    // A person's name is shown with the role.
    let cz = app.with_conn(|c| db::agencies::find_by_code(c, "CZ").unwrap().unwrap().id);
    let input = service::users::UserInput {
        username: "wang".into(),
        display_name: "王小明".into(),
        role: "clerk".into(),
        agency_id: cz.to_string(),
        ..Default::default()
    };
    app.with_conn(|c| service::users::create(c, &Actor::system(), &input, Some(PASSWORD)))
        .unwrap();
    let wang = app.browser();
    wang.login("wang", PASSWORD).await.assert_redirect("/");
    assert_eq!(
        wang.get("/cases/mine").await.texts("header .who span"),
        vec!["王小明 · 经办人"]
    );
}

async fn health_check_answers_when_the_database_does(app: TestApp) {
    let b = app.browser();
    let r = b.get("/healthz").await;
    r.assert_ok();
    assert_eq!(r.body, "ok");
}
