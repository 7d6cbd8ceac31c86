//! The emulator under sustained refreshes holds bounded state (issue 17
//! item 6; bench/emulator-soak.sh measures the same in RSS): the tokens it
//! remembers, read from `/_emulator/stats`, are no more after N refreshes of
//! one family than after N/10, for a rotating family, a non-rotating one
//! and one whose old tokens stay valid; and the verdicts a client can see
//! within the history bound are unchanged by the pruning.

mod emulator_support;
use emulator_support::*;

/// Refreshes in each run; the first reading is taken after a tenth of them.
const N: usize = 1500;
/// A family's history (`src/emulator/history.rs`) is 64 tokens of each kind.
const BOUND: u64 = 2 * 64 + 2;

const SCOPE: &str = "offline_access read";

impl Emu {
    async fn tokens_held(&self) -> u64 {
        let r = self
            .send(self.http.get(self.url("/_emulator/stats")))
            .await
            .ok();
        r.json["tokens"].as_u64().expect("a token count")
    }
}

/// Refresh `n` times, each time with the newest refresh token when
/// `follow`, else with the first; returns every refresh token seen, in order.
async fn refresh_many(emu: &Emu, first: &str, n: usize, follow: bool) -> Vec<String> {
    let mut seen = vec![first.to_string()];
    for _ in 0..n {
        let rt = if follow { seen.last() } else { seen.first() };
        let r = emu.refresh("main", rt.unwrap(), None).await.ok();
        if let Some(next) = r.opt("refresh_token") {
            if next != seen.last().unwrap() {
                seen.push(next.to_string());
            }
        }
    }
    seen
}

/// (tokens held after N/10 refreshes, after N), and the refresh tokens seen.
async fn soak(emu: &Emu, follow: bool) -> (u64, u64, Vec<String>) {
    let first = emu.grant("main", SCOPE).await.ok();
    let mut seen = refresh_many(emu, first.str("refresh_token"), N / 10, follow).await;
    let early = emu.tokens_held().await;
    let rt = if follow { seen.last() } else { seen.first() }
        .unwrap()
        .clone();
    seen.extend(
        refresh_many(emu, &rt, N - N / 10, follow)
            .await
            .into_iter()
            .skip(1),
    );
    (early, emu.tokens_held().await, seen)
}

#[track_caller]
fn assert_flat(early: u64, late: u64) {
    assert!(
        late <= BOUND && late * 2 <= early * 3,
        "tokens held: {early} after {} refreshes, {late} after {N}",
        N / 10
    );
}

#[tokio::test]
async fn a_rotating_family_holds_bounded_state_and_still_detects_reuse() {
    let emu = start(
        profile_with(
            "new_refresh_token = \"always\"\nprevious_refresh_token = \"invalidated\"\nreuse_detection = true",
        ),
        &[],
    )
    .await;
    let (early, late, seen) = soak(&emu, true).await;
    assert_flat(early, late);
    assert_eq!(seen.len(), N + 1, "every refresh rotated");
    let newest = seen.last().unwrap();
    let older = &seen[seen.len() - 10];
    // A token rotated nine refreshes ago is still known as rotated: refused,
    // and its reuse revokes the family, the newest token with it.
    emu.refresh("main", older, None)
        .await
        .expect_error(400, "invalid_grant");
    emu.refresh("main", newest, None)
        .await
        .expect_error(400, "invalid_grant");
}

#[tokio::test]
async fn a_family_refreshed_with_one_token_holds_bounded_state_and_keeps_it_usable() {
    let emu = start(profile_with("new_refresh_token = \"never\""), &[]).await;
    let (early, late, seen) = soak(&emu, false).await;
    assert_flat(early, late);
    assert_eq!(seen.len(), 1, "no rotation");
    let last = emu.refresh("main", &seen[0], None).await.ok();
    assert!(emu.active(last.str("access_token")).await);
}

#[tokio::test]
async fn a_family_whose_old_tokens_stay_valid_keeps_the_one_it_replays() {
    // The load bench's profile: each refresh mints a new refresh token, the
    // replayed one stays valid; the minted ones nobody uses fall out.
    let emu = start(
        profile_with("new_refresh_token = \"always\"\nprevious_refresh_token = \"valid\""),
        &[],
    )
    .await;
    let (early, late, seen) = soak(&emu, false).await;
    assert_flat(early, late);
    emu.refresh("main", &seen[0], None).await.ok();
    emu.refresh("main", seen.last().unwrap(), None).await.ok();
}
