//! Undelete of posts whose slug is not their file's name: a bundle (`slug/index.md`,
//! named by its folder, with its images) and a dated file (`2026-01-20-slug.md`).

use crate::common;

use crate::common::micropub::*;
use axum::http::StatusCode;
use dispatches::urls;

async fn action(site: &common::Site, token: &str, action: &str, slug: &str) -> common::Page {
    let url = format!("http://127.0.0.1:3000{}", urls::article(slug));
    form(
        site,
        token,
        &format!("action={action}&url={}", urls::encode(&url)),
    )
    .await
}

#[tokio::test]
async fn a_deleted_bundle_goes_with_its_images_and_comes_back_with_them() {
    let (site, t) = site();
    site.file(
        "lighthouse-keepers/index.md",
        "---\ntitle: Keepers\ndate: 2026-01-02\n---\n![The lamp](lamp.gif)\n",
    )
    .file("lighthouse-keepers/lamp.gif", GIF)
    .republish();
    let image = urls::file("lighthouse-keepers/lamp.gif");
    let page = urls::article("lighthouse-keepers");
    assert_eq!(site.get(&page).await.status, StatusCode::OK);
    assert_eq!(site.get(&image).await.status, StatusCode::OK);
    let p = action(&site, &t, "delete", "lighthouse-keepers").await;
    assert_eq!(p.status, StatusCode::NO_CONTENT, "{}", p.body);
    assert_eq!(site.get(&page).await.status, StatusCode::GONE);
    assert_eq!(site.get(&image).await.status, StatusCode::NOT_FOUND);
    let p = action(&site, &t, "undelete", "lighthouse-keepers").await;
    assert_eq!(p.status, StatusCode::NO_CONTENT, "{}", p.body);
    assert_eq!(site.get(&page).await.status, StatusCode::OK);
    assert_eq!(site.get(&image).await.status, StatusCode::OK);
    assert!(site.path("lighthouse-keepers/index.md").exists());
}

#[tokio::test]
async fn a_deleted_dated_file_comes_back_at_its_slug() {
    let (site, t) = site();
    site.file(
        "2026-01-20-salt-marsh-survey.md",
        "---\ntitle: Survey\n---\nCounted.\n",
    )
    .republish();
    let page = urls::article("salt-marsh-survey");
    assert_eq!(site.get(&page).await.status, StatusCode::OK);
    let p = action(&site, &t, "delete", "salt-marsh-survey").await;
    assert_eq!(p.status, StatusCode::NO_CONTENT, "{}", p.body);
    assert_eq!(site.get(&page).await.status, StatusCode::GONE);
    let p = action(&site, &t, "undelete", "salt-marsh-survey").await;
    assert_eq!(p.status, StatusCode::NO_CONTENT, "{}", p.body);
    assert_eq!(site.get(&page).await.status, StatusCode::OK);
    assert!(site.path("2026-01-20-salt-marsh-survey.md").exists());
}
