//! An in-process, stateful fake of the part of the GitHub REST API that connector-publish uses.
//!
//! It listens on `127.0.0.1` (a free port) on its own thread, so it works both for the binary run
//! as a child process (assert_cmd) and for async code called in-process: it never touches the
//! test's runtime. Point the tool's API base at [`FakeGitHub::url`].
//!
//! Routes (anything else answers 404 `{"message":"Not Found"}` and is recorded with
//! `handled == false`):
//!
//! | route | behaviour |
//! | --- | --- |
//! | `GET /user` | the token's user; 401 `Bad credentials` / `Requires authentication` |
//! | `GET /repos/{o}/{r}` | full repository JSON (with `parent`/`source` for forks, `permissions` for the caller) or 404 |
//! | `POST /repos/{o}/{r}/forks` | 202 + the fork; a new fork stays 404 for `fork_polls_before_visible` GETs; an existing fork is returned again |
//! | `POST /repos/{o}/{r}/merge-upstream` | 200 `{message, merge_type, base_branch}`; 409 on conflict; 422 otherwise |
//! | `GET /repos/{o}/{r}/pulls` | filters `state` (default open), `head` (`user:ref` or `user`), `base`; `sort=updated`, `direction`; `per_page`/`page` |
//! | `POST /repos/{o}/{r}/pulls` | 201 + the pull request; 422 when one is already open for the same head and base |
//! | `GET /repos/{o}/{r}/pulls/{n}/files` | the files set with `set_pr_files` (diff-entry), `per_page`/`page` and `Link` |
//! | `GET /repos/{o}/{r}/contents/{path}?ref=` | a file of a pull request at its head commit `ref`, from its head or its base repository (content-file, base64) |
//! | `GET/PATCH /repos/{o}/{r}/pulls/{n}` | the single-PR shape (`merged`, `mergeable`, `mergeable_state`); PATCH sets title, body, state |
//! | `GET /repos/{o}/{r}/commits/{sha}/check-runs` | `{total_count, check_runs}`, paged |
//! | `GET /repos/{o}/{r}/commits/{sha}/status` | the combined status (latest per context), paged |
//! | `GET /repos/{o}/{r}/check-runs/{id}/annotations` | check-annotation list |
//! | `GET /repos/{o}/{r}/pulls/{n}/reviews`, `…/pulls/{n}/comments`, `…/issues/{n}/comments` | paged lists; review comments honour `sort` and `direction` |
//! | `GET /repos/{o}/{r}/compare/{base}...{head}` | `status`, `ahead_by`, `behind_by` ([`FakeGitHub::set_compare`]) |
//! | `GET /repos/{o}/{r}/branches` | paged short-branch list ([`FakeGitHub::set_branch`]) |
//! | `GET /repos/{o}/{r}/git/ref/heads/{branch}` | the branch's reference (exact name); 404 when there is none |
//! | `DELETE /repos/{o}/{r}/git/refs/heads/{branch}` | 204; 422 `Reference does not exist`; 403 for others' repositories |
//! | `GET /repos/{o}/{r}/commits?path=` | the commits added with [`FakeGitHub::add_commit`] that touch `path` (commit list, newest first), paged with `Link` (`next`, `last`) |
//!
//! The certification bot's answers ([`bot_failure`], [`bot_failure_2025`], [`BOT_SUCCESS`],
//! [`BOT_SUCCESS_2025`]) are issue comments by [`CERTIFICATION_BOT`], in the two wordings seen
//! upstream (microsoft/PowerPlatformConnectors, 2025–2026).
//!
//! Every response carries GitHub's usual headers (`x-ratelimit-*`, `x-github-request-id`,
//! `x-github-media-type`) and, for a classic token, `X-OAuth-Scopes`. A token with no scopes
//! configured (`None`) behaves like a fine-grained token: no `X-OAuth-Scopes` header at all.
//!
//! A `GET` answered 200 carries an `ETag`; sending it back in `If-None-Match` gets 304 and no body.
//! A list longer than a page carries `Link` (`rel="next"`, `rel="last"`).
//!
//! Faults are queued per route ("METHOD /path", no query, compared case-insensitively; `"*"`
//! matches every request) and served in order before the normal behaviour; a served fault changes
//! no state (it does not count as a fork poll, does not create anything).
//!
//! Shapes follow the examples in GitHub's REST reference (2022-11-28): simple-user,
//! full-repository, pull-request, merged-upstream, basic-error and validation-error. They also
//! deserialize into the tool's own types (`connector_publish::publish::github::types`: `User`,
//! `Repository`, `PullRequest`, `MergedUpstream`, `ErrorBody`).
#![allow(dead_code)]

use super::http::{parse_form, percent_decode, route_key};
use serde_json::{json, Map, Value};
use std::collections::{BTreeMap, HashMap, VecDeque};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

const DOCS: &str = "https://docs.github.com/rest";
const FIXED_TIME: &str = "2024-01-01T00:00:00Z";

// ---------------------------------------------------------------------------------------------
// Configuration
// ---------------------------------------------------------------------------------------------

/// A user the fake knows, with the token that authenticates as that user.
#[derive(Clone, Debug)]
pub struct FakeUser {
    pub token: String,
    pub login: String,
    pub name: Option<String>,
    pub email: Option<String>,
    /// Value of the `X-OAuth-Scopes` header (classic token), e.g. `"repo, workflow"` or `""`.
    /// `None`: no header, like a fine-grained token.
    pub scopes: Option<String>,
}

impl FakeUser {
    /// A classic token with scopes `repo, workflow`.
    pub fn new(token: &str, login: &str) -> Self {
        FakeUser {
            token: token.to_string(),
            login: login.to_string(),
            name: Some(format!("{login} (fake)")),
            email: Some(format!("{login}@users.noreply.github.com")),
            scopes: Some("repo, workflow".to_string()),
        }
    }

    /// Set `X-OAuth-Scopes` (`Some("")` = a classic token without scopes, `None` = fine-grained).
    pub fn scopes(mut self, scopes: Option<&str>) -> Self {
        self.scopes = scopes.map(str::to_string);
        self
    }
}

impl From<(&str, &str)> for FakeUser {
    fn from((token, login): (&str, &str)) -> Self {
        FakeUser::new(token, login)
    }
}

/// A repository that exists when the server starts.
#[derive(Clone, Debug)]
pub struct FakeRepo {
    /// `owner/name`
    pub full_name: String,
    /// `owner/name` of the parent when this repository is a fork.
    pub parent: Option<String>,
    /// Default `dev`, like microsoft/PowerPlatformConnectors.
    pub default_branch: String,
    pub private: bool,
}

impl FakeRepo {
    pub fn new(full_name: &str) -> Self {
        FakeRepo {
            full_name: full_name.to_string(),
            parent: None,
            default_branch: "dev".to_string(),
            private: false,
        }
    }

    /// An existing fork of `parent`, visible at once.
    pub fn fork_of(full_name: &str, parent: &str) -> Self {
        FakeRepo {
            parent: Some(parent.to_string()),
            ..FakeRepo::new(full_name)
        }
    }

    pub fn default_branch(mut self, branch: &str) -> Self {
        self.default_branch = branch.to_string();
        self
    }
}

impl From<&str> for FakeRepo {
    fn from(full_name: &str) -> Self {
        FakeRepo::new(full_name)
    }
}

/// Passed to [`FakeGitHubConfig::on_fork`] when `POST .../forks` creates a new fork.
#[derive(Clone, Debug)]
pub struct ForkCreated {
    pub owner: String,
    pub repo: String,
    pub parent_owner: String,
    pub parent_repo: String,
}

/// Passed to [`FakeGitHubConfig::on_merge_upstream`] on `POST .../merge-upstream`.
#[derive(Clone, Debug)]
pub struct MergeUpstreamCall {
    pub owner: String,
    pub repo: String,
    pub branch: String,
    pub parent_owner: String,
    pub parent_repo: String,
}

/// What `merge-upstream` answers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MergeUpstreamResult {
    /// 200, `merge_type: "fast-forward"`.
    FastForward,
    /// 200, `merge_type: "merge"`.
    Merge,
    /// 200, `merge_type: "none"` (branch not behind upstream).
    UpToDate,
    /// 409 `There are merge conflicts`.
    Conflict,
    /// 422 with this message.
    Unprocessable(String),
}

pub type ForkHook = Arc<dyn Fn(&ForkCreated) + Send + Sync>;
pub type MergeUpstreamHook = Arc<dyn Fn(&MergeUpstreamCall) -> MergeUpstreamResult + Send + Sync>;
/// `(owner, repo, branch) -> Some(sha)` when the branch exists.
pub type BranchShaHook = Arc<dyn Fn(&str, &str, &str) -> Option<String> + Send + Sync>;

#[derive(Clone)]
pub struct FakeGitHubConfig {
    pub users: Vec<FakeUser>,
    pub repos: Vec<FakeRepo>,
    /// A fork made through `POST .../forks` answers 404 to this many `GET /repos/{o}/{r}` first
    /// (GitHub creates forks asynchronously). 0 = visible at once.
    pub fork_polls_before_visible: u32,
    /// Prefix of `clone_url`: `{git_base_url}/{owner}/{repo}.git`. Default `https://github.com`;
    /// point it at a local git HTTP server in tests that push.
    pub git_base_url: String,
    /// Prefix of every `html_url`. Default `https://github.com`.
    pub html_base_url: String,
    /// Number of the first pull request created. Default 1.
    pub first_pr_number: u64,
    /// Called (outside any lock, before the 202 is sent) when a new fork is created.
    pub on_fork: Option<ForkHook>,
    /// Decides what `merge-upstream` answers, and may update the fork's git ref. Without it the
    /// answer is [`FakeGitHub::set_merge_upstream_result`]'s (default fast-forward).
    pub on_merge_upstream: Option<MergeUpstreamHook>,
    /// When set, pull request creation checks that head and base branches exist (422
    /// `invalid` otherwise) and takes `head.sha`/`base.sha` from it.
    pub branch_sha: Option<BranchShaHook>,
}

impl Default for FakeGitHubConfig {
    fn default() -> Self {
        FakeGitHubConfig {
            users: Vec::new(),
            repos: Vec::new(),
            fork_polls_before_visible: 0,
            git_base_url: "https://github.com".to_string(),
            html_base_url: "https://github.com".to_string(),
            first_pr_number: 1,
            on_fork: None,
            on_merge_upstream: None,
            branch_sha: None,
        }
    }
}

impl FakeGitHubConfig {
    pub fn user(mut self, token: &str, login: &str) -> Self {
        self.users.push(FakeUser::new(token, login));
        self
    }

    pub fn repo(mut self, full_name: &str) -> Self {
        self.repos.push(FakeRepo::new(full_name));
        self
    }

    pub fn fork(mut self, full_name: &str, parent: &str) -> Self {
        self.repos.push(FakeRepo::fork_of(full_name, parent));
        self
    }

    pub fn fork_polls_before_visible(mut self, n: u32) -> Self {
        self.fork_polls_before_visible = n;
        self
    }

    pub fn on_fork(mut self, f: impl Fn(&ForkCreated) + Send + Sync + 'static) -> Self {
        self.on_fork = Some(Arc::new(f));
        self
    }

    pub fn on_merge_upstream(mut self, f: impl Fn(&MergeUpstreamCall) -> MergeUpstreamResult + Send + Sync + 'static) -> Self {
        self.on_merge_upstream = Some(Arc::new(f));
        self
    }

    pub fn branch_sha(mut self, f: impl Fn(&str, &str, &str) -> Option<String> + Send + Sync + 'static) -> Self {
        self.branch_sha = Some(Arc::new(f));
        self
    }
}

// ---------------------------------------------------------------------------------------------
// Recording and fault injection
// ---------------------------------------------------------------------------------------------

/// One request as the fake saw it, with the status it answered.
#[derive(Clone, Debug)]
pub struct RecordedRequest {
    pub method: String,
    /// Path without the query, e.g. `/repos/microsoft/PowerPlatformConnectors/pulls`.
    pub path: String,
    /// Raw query string (no `?`), possibly empty.
    pub raw_query: String,
    /// Decoded query parameters, in order.
    pub query: Vec<(String, String)>,
    /// All request headers, names lower-cased.
    pub headers: Vec<(String, String)>,
    pub authorization: Option<String>,
    /// JSON body; `Null` when empty, `Value::String(raw)` when not JSON.
    pub body: Value,
    pub status: u16,
    /// false when no route of the fake matched.
    pub handled: bool,
    /// true when the answer came from the fault queue.
    pub injected: bool,
    /// The answer's JSON body as served (`Null` for none: a 204, a 304).
    pub answer: Value,
}

impl RecordedRequest {
    /// `"METHOD /path"`, the key used by [`FakeGitHub::count`] and the fault queue.
    pub fn route(&self) -> String {
        format!("{} {}", self.method, self.path)
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn query_param(&self, name: &str) -> Option<&str> {
        self.query.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }
}

/// A response served from the fault queue. Its headers are added to (and replace same-named)
/// default headers.
#[derive(Clone, Debug)]
pub struct CannedResponse {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Value,
}

impl CannedResponse {
    pub fn new(status: u16, body: Value) -> Self {
        CannedResponse {
            status,
            headers: Vec::new(),
            body,
        }
    }

    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_string(), value.to_string()));
        self
    }
}

#[derive(Clone, Debug)]
enum Fault {
    Respond(CannedResponse),
    /// Move a branch (`repo`, `name`, `sha`) as the request arrives, then carry on: the world
    /// changing between two calls of the tool.
    MoveBranch(String, String, String),
    /// Sleep, then carry on (next fault or normal behaviour).
    Delay(Duration),
}

/// A pull request held by the fake.
#[derive(Clone, Debug)]
pub struct FakePullRequest {
    pub id: u64,
    pub number: u64,
    /// `owner/name` of the repository the pull request is on (the base).
    pub base_repo: String,
    pub base_ref: String,
    pub base_sha: String,
    /// `owner/name` of the head repository (the fork).
    pub head_repo: String,
    pub head_owner: String,
    pub head_ref: String,
    pub head_sha: String,
    pub title: String,
    pub body: Option<String>,
    /// `open` or `closed`
    pub state: String,
    pub draft: bool,
    pub maintainer_can_modify: bool,
    pub user: String,
    /// Merged (then `state` is `closed`).
    pub merged: bool,
    /// `mergeable` of the single-PR shape (`None`: GitHub is still computing it).
    pub mergeable: Option<bool>,
    pub labels: Vec<String>,
}

impl FakePullRequest {
    /// `user:branch`
    pub fn head_label(&self) -> String {
        format!("{}:{}", self.head_owner, self.head_ref)
    }
}

/// A repository held by the fake.
#[derive(Clone, Debug)]
pub struct FakeRepoState {
    pub id: u64,
    pub owner: String,
    pub name: String,
    pub parent: Option<String>,
    pub default_branch: String,
    pub private: bool,
    /// `GET /repos/{o}/{r}` answers 404 while this is above 0, counting down.
    pub hidden_polls: u32,
}

impl FakeRepoState {
    pub fn full_name(&self) -> String {
        format!("{}/{}", self.owner, self.name)
    }
}

// ---------------------------------------------------------------------------------------------
// State
// ---------------------------------------------------------------------------------------------

struct Account {
    login: String,
    id: u64,
    kind: &'static str,
}

struct State {
    users: Vec<FakeUser>,
    accounts: BTreeMap<String, Account>,
    repos: Vec<FakeRepoState>,
    prs: Vec<FakePullRequest>,
    next_id: u64,
    next_pr_number: u64,
    fork_polls_before_visible: u32,
    merge_result: MergeUpstreamResult,
    faults: HashMap<String, VecDeque<Fault>>,
    requests: Vec<RecordedRequest>,
    request_counter: u64,
    /// Check runs (JSON, check-run) by head sha.
    check_runs: HashMap<String, Vec<Value>>,
    /// Commit statuses (JSON, status) by sha.
    statuses: HashMap<String, Vec<Value>>,
    /// Annotations (JSON, check-annotation) by check-run id.
    annotations: HashMap<u64, Vec<Value>>,
    /// Reviews, review comments and issue comments (JSON) by pull request number.
    reviews: HashMap<u64, Vec<Value>>,
    review_comments: HashMap<u64, Vec<Value>>,
    issue_comments: HashMap<u64, Vec<Value>>,
    /// `(ahead_by, behind_by)` of the compare answer, by head sha.
    compare: HashMap<String, (u64, u64)>,
    /// Branches (name -> sha, protected) by repository (`owner/name`, lower-cased).
    branches: HashMap<String, BTreeMap<String, (String, bool)>>,
    /// `GET .../pulls` ignores its `head` filter (a server that does is what the client must
    /// survive: it checks each pull request's head itself).
    ignore_head_filter: bool,
    /// What the duplicate search reads of pull requests, by number.
    pr_extras: HashMap<u64, PrExtras>,
    /// Commits (JSON, commit list item) with the paths they touch, newest first.
    commits: Vec<(Value, Vec<String>)>,
}

/// A pull request's files (path, content at the head; `None`: removed), `updated_at`, merged.
#[derive(Clone, Debug, Default)]
struct PrExtras {
    files: Vec<(String, Option<String>)>,
    updated_at: Option<String>,
    merged: bool,
}

impl State {
    fn account(&mut self, login: &str, kind: &'static str) -> &Account {
        let key = login.to_ascii_lowercase();
        if !self.accounts.contains_key(&key) {
            self.next_id += 1;
            let id = self.next_id;
            self.accounts.insert(
                key.clone(),
                Account {
                    login: login.to_string(),
                    id,
                    kind,
                },
            );
        }
        &self.accounts[&key]
    }

    fn repo_index(&self, owner: &str, name: &str) -> Option<usize> {
        self.repos
            .iter()
            .position(|r| r.owner.eq_ignore_ascii_case(owner) && r.name.eq_ignore_ascii_case(name))
    }

    fn repo_by_full(&self, full: &str) -> Option<&FakeRepoState> {
        let (o, n) = full.split_once('/')?;
        self.repo_index(o, n).map(|i| &self.repos[i])
    }

    fn add_repo(
        &mut self,
        owner: &str,
        name: &str,
        parent: Option<String>,
        default_branch: &str,
        private: bool,
        hidden_polls: u32,
    ) -> usize {
        // Configured users are users; an account first met as the owner of a non-fork
        // repository (microsoft) is an organization; anyone else is a user.
        let is_user = self.users.iter().any(|u| u.login.eq_ignore_ascii_case(owner));
        let kind = if is_user || parent.is_some() { "User" } else { "Organization" };
        let owner = self.account(owner, kind).login.clone();
        self.next_id += 1;
        self.repos.push(FakeRepoState {
            id: self.next_id,
            owner,
            name: name.to_string(),
            parent,
            default_branch: default_branch.to_string(),
            private,
            hidden_polls,
        });
        self.repos.len() - 1
    }
}

struct Shared {
    api: String,
    html: String,
    git: String,
    on_fork: Option<ForkHook>,
    on_merge_upstream: Option<MergeUpstreamHook>,
    branch_sha: Option<BranchShaHook>,
    state: Mutex<State>,
    /// Added to every answer (microseconds), as a network's round trip would.
    latency_us: std::sync::atomic::AtomicU64,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, State> {
        // A panicking hook must not wedge every later request.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

// ---------------------------------------------------------------------------------------------
// The server
// ---------------------------------------------------------------------------------------------

/// The running fake. Dropping it stops the server.
pub struct FakeGitHub {
    url: String,
    shared: Arc<Shared>,
    server: Arc<tiny_http::Server>,
    stopping: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl FakeGitHub {
    /// Bind `127.0.0.1:0` and serve on a background thread.
    pub fn start(config: FakeGitHubConfig) -> FakeGitHub {
        let server = Arc::new(tiny_http::Server::http("127.0.0.1:0").expect("bind fake GitHub"));
        let port = server.server_addr().to_ip().expect("fake GitHub listens on IP").port();
        let url = format!("http://127.0.0.1:{port}");

        let mut state = State {
            users: config.users.clone(),
            accounts: BTreeMap::new(),
            repos: Vec::new(),
            prs: Vec::new(),
            next_id: 1000,
            next_pr_number: config.first_pr_number,
            fork_polls_before_visible: config.fork_polls_before_visible,
            merge_result: MergeUpstreamResult::FastForward,
            faults: HashMap::new(),
            requests: Vec::new(),
            request_counter: 0,
            pr_extras: HashMap::new(),
            check_runs: HashMap::new(),
            statuses: HashMap::new(),
            annotations: HashMap::new(),
            reviews: HashMap::new(),
            review_comments: HashMap::new(),
            issue_comments: HashMap::new(),
            compare: HashMap::new(),
            branches: HashMap::new(),
            ignore_head_filter: false,
            commits: Vec::new(),
        };
        for u in &config.users {
            state.account(&u.login, "User");
        }
        for r in &config.repos {
            let (owner, name) = r.full_name.split_once('/').expect("FakeRepo full_name is owner/name");
            state.add_repo(owner, name, r.parent.clone(), &r.default_branch, r.private, 0);
        }

        let shared = Arc::new(Shared {
            api: url.clone(),
            html: config.html_base_url.trim_end_matches('/').to_string(),
            git: config.git_base_url.trim_end_matches('/').to_string(),
            on_fork: config.on_fork,
            on_merge_upstream: config.on_merge_upstream,
            branch_sha: config.branch_sha,
            state: Mutex::new(state),
            latency_us: std::sync::atomic::AtomicU64::new(0),
        });

        let stopping = Arc::new(AtomicBool::new(false));
        let thread = {
            let server = Arc::clone(&server);
            let shared = Arc::clone(&shared);
            let stopping = Arc::clone(&stopping);
            std::thread::Builder::new()
                .name("fake-github".into())
                .spawn(move || loop {
                    match server.recv() {
                        Ok(request) => {
                            let shared = Arc::clone(&shared);
                            // One thread per request, so an injected delay blocks only its own.
                            std::thread::spawn(move || serve(&shared, request));
                        }
                        Err(_) if stopping.load(Ordering::SeqCst) => break,
                        Err(_) => continue,
                    }
                })
                .expect("spawn fake GitHub thread")
        };

        FakeGitHub {
            url,
            shared,
            server,
            stopping,
            thread: Some(thread),
        }
    }

    /// `http://127.0.0.1:PORT`, no trailing slash: the API base URL.
    pub fn url(&self) -> String {
        self.url.clone()
    }

    // --- state -----------------------------------------------------------------------------

    /// Add a repository after start (visible at once).
    pub fn add_repo(&self, repo: FakeRepo) {
        let (owner, name) = repo.full_name.split_once('/').expect("owner/name");
        self.shared
            .lock()
            .add_repo(owner, name, repo.parent, &repo.default_branch, repo.private, 0);
    }

    /// A repository by `owner/name` (case-insensitive), whether visible yet or not.
    pub fn repo(&self, full_name: &str) -> Option<FakeRepoState> {
        self.shared.lock().repo_by_full(full_name).cloned()
    }

    pub fn repos(&self) -> Vec<FakeRepoState> {
        self.shared.lock().repos.clone()
    }

    /// Forks whose parent is `parent` (`owner/name`).
    pub fn forks_of(&self, parent: &str) -> Vec<FakeRepoState> {
        self.shared
            .lock()
            .repos
            .iter()
            .filter(|r| r.parent.as_deref().is_some_and(|p| p.eq_ignore_ascii_case(parent)))
            .cloned()
            .collect()
    }

    /// Make a fork visible now, without further polls.
    pub fn make_visible(&self, full_name: &str) {
        let mut st = self.shared.lock();
        if let Some(i) = full_name.split_once('/').and_then(|(o, n)| st.repo_index(o, n)) {
            st.repos[i].hidden_polls = 0;
        }
    }

    /// Add `latency` to every answer from now on (a network's round trip; requests still run
    /// side by side).
    pub fn set_latency(&self, latency: Duration) {
        self.shared.latency_us.store(latency.as_micros() as u64, Ordering::SeqCst);
    }

    /// Change how many GETs a fork created from now on stays hidden.
    pub fn set_fork_polls_before_visible(&self, n: u32) {
        self.shared.lock().fork_polls_before_visible = n;
    }

    /// What `merge-upstream` answers when no `on_merge_upstream` hook is configured.
    pub fn set_merge_upstream_result(&self, result: MergeUpstreamResult) {
        self.shared.lock().merge_result = result;
    }

    /// Put an open pull request on `owner/repo` from `head_label` (`user:branch`), base = the
    /// repository's default branch. Later created pull requests get numbers above it.
    pub fn add_open_pr(&self, owner: &str, repo: &str, head_label: &str, number: u64) {
        let mut st = self.shared.lock();
        let base_repo = st
            .repo_index(owner, repo)
            .map(|i| st.repos[i].clone())
            .unwrap_or_else(|| panic!("add_open_pr: no repository {owner}/{repo}"));
        let (head_owner, head_ref) = head_label.split_once(':').unwrap_or((owner, head_label));
        let head_repo = find_head_repo(&st, &base_repo, head_owner)
            .map(|r| r.full_name())
            .unwrap_or_else(|| format!("{head_owner}/{repo}"));
        st.next_id += 1;
        let pr = FakePullRequest {
            id: st.next_id,
            number,
            base_repo: base_repo.full_name(),
            base_ref: base_repo.default_branch.clone(),
            base_sha: fake_sha(&format!("{}:{}", base_repo.full_name(), base_repo.default_branch)),
            head_repo,
            head_owner: head_owner.to_string(),
            head_ref: head_ref.to_string(),
            head_sha: fake_sha(head_label),
            title: format!("Existing pull request #{number}"),
            body: Some("Opened earlier.".to_string()),
            state: "open".to_string(),
            draft: false,
            maintainer_can_modify: true,
            user: head_owner.to_string(),
            merged: false,
            mergeable: Some(true),
            labels: Vec::new(),
        };
        st.prs.push(pr);
        st.next_pr_number = st.next_pr_number.max(number + 1);
    }

    /// The files pull request `number` changes: (path, content at its head), `None` for a removed
    /// file. Served by `GET .../pulls/{n}/files` (paged) and `GET /repos/{head}/contents/{path}?ref={head sha}`.
    pub fn set_pr_files(&self, number: u64, files: &[(&str, Option<&str>)]) {
        let mut st = self.shared.lock();
        st.pr_extras.entry(number).or_default().files = files.iter().map(|(p, c)| (p.to_string(), c.map(str::to_string))).collect();
    }

    /// Pull request `number`'s title and author.
    pub fn set_pr_title(&self, number: u64, title: &str, user: &str) {
        for pr in self.shared.lock().prs.iter_mut().filter(|p| p.number == number) {
            pr.title = title.to_string();
            pr.user = user.to_string();
        }
    }

    /// Change pull request `number`'s `updated_at` (as a push to it does).
    pub fn touch_pr(&self, number: u64, updated_at: &str) {
        self.shared.lock().pr_extras.entry(number).or_default().updated_at = Some(updated_at.to_string());
    }

    /// Close pull request `number` as merged.
    pub fn merge_pr(&self, number: u64) {
        self.close_pr(number);
        self.shared.lock().pr_extras.entry(number).or_default().merged = true;
    }

    /// Close pull request `number` (on any repository).
    pub fn close_pr(&self, number: u64) {
        for pr in self.shared.lock().prs.iter_mut().filter(|p| p.number == number) {
            pr.state = "closed".to_string();
        }
    }

    pub fn prs(&self) -> Vec<FakePullRequest> {
        self.shared.lock().prs.clone()
    }

    /// Change pull request `number` (any repository): merged, mergeable, labels, head_sha, body…
    pub fn update_pr(&self, number: u64, change: impl FnOnce(&mut FakePullRequest)) {
        let mut st = self.shared.lock();
        let pr = st
            .prs
            .iter_mut()
            .find(|p| p.number == number)
            .expect("update_pr: no such pull request");
        change(pr);
    }

    /// Remove a repository (a fork its owner deleted): pull requests from it keep `head.repo: null`.
    pub fn remove_repo(&self, full_name: &str) {
        let mut st = self.shared.lock();
        if let Some(i) = full_name.split_once('/').and_then(|(o, n)| st.repo_index(o, n)) {
            st.repos.remove(i);
        }
    }

    /// Add a check run on `sha`; returns its id. `conclusion` is `None` while it runs.
    pub fn add_check_run(&self, sha: &str, name: &str, conclusion: Option<&str>, title: &str, summary: &str, text: &str) -> u64 {
        let mut st = self.shared.lock();
        st.next_id += 1;
        let id = st.next_id;
        let api = self.url.clone();
        let app_owner = account_json(&self.shared, &mut st, "microsoft");
        let run = json!({
            "id": id,
            "head_sha": sha,
            "node_id": format!("CR_kwDO{id}"),
            "external_id": "",
            "url": format!("{api}/repos/check-runs/{id}"),
            "html_url": format!("https://github.com/checks/{id}"),
            "details_url": format!("https://dev.azure.com/build/{id}"),
            "status": if conclusion.is_some() { "completed" } else { "in_progress" },
            "conclusion": conclusion,
            "started_at": FIXED_TIME,
            "completed_at": if conclusion.is_some() { json!(FIXED_TIME) } else { Value::Null },
            "output": {
                "title": title,
                "summary": summary,
                "text": text,
                "annotations_count": 0,
                "annotations_url": format!("{api}/repos/check-runs/{id}/annotations")
            },
            "name": name,
            "check_suite": {"id": id + 500_000},
            "app": {
                "id": 15368,
                "slug": "azure-pipelines",
                "node_id": "MDM6QXBwMTUzNjg=",
                "client_id": "Iv1.0000000000000000",
                "owner": app_owner,
                "name": "Azure Pipelines",
                "description": "Continuously build, test, and deploy to any platform and cloud",
                "external_url": "https://azure.microsoft.com/services/devops/pipelines/",
                "html_url": "https://github.com/apps/azure-pipelines",
                "created_at": FIXED_TIME,
                "updated_at": FIXED_TIME,
                "permissions": {"checks": "write", "metadata": "read", "pull_requests": "write"},
                "events": ["check_run", "pull_request", "push"]
            },
            "pull_requests": []
        });
        st.check_runs.entry(sha.to_string()).or_default().push(run);
        id
    }

    /// Add an annotation to check run `id` (and count it in the run's output).
    pub fn add_annotation(&self, id: u64, path: &str, line: u64, title: &str, message: &str) {
        let mut st = self.shared.lock();
        for runs in st.check_runs.values_mut() {
            for run in runs.iter_mut().filter(|r| r["id"] == json!(id)) {
                let n = run["output"]["annotations_count"].as_u64().unwrap_or(0);
                run["output"]["annotations_count"] = json!(n + 1);
            }
        }
        st.annotations.entry(id).or_default().push(json!({
            "path": path,
            "start_line": line,
            "end_line": line,
            "start_column": null,
            "end_column": null,
            "annotation_level": "failure",
            "title": title,
            "message": message,
            "raw_details": null,
            "blob_href": format!("https://github.com/blob/{path}")
        }));
    }

    /// Add a commit status on `sha` (newest first, as GitHub lists them).
    pub fn add_status(&self, sha: &str, context: &str, state: &str, description: &str) {
        let mut st = self.shared.lock();
        st.next_id += 1;
        let id = st.next_id;
        let status = json!({
            "url": format!("{}/repos/statuses/{sha}", self.url),
            "avatar_url": "https://avatars.githubusercontent.com/u/0",
            "id": id,
            "node_id": format!("SC_kwDO{id}"),
            "state": state,
            "description": description,
            "target_url": format!("https://cla.opensource.microsoft.com/status/{id}"),
            "context": context,
            "created_at": FIXED_TIME,
            "updated_at": FIXED_TIME
        });
        st.statuses.entry(sha.to_string()).or_default().insert(0, status);
    }

    /// Add a review on pull request `number`.
    pub fn add_review(&self, number: u64, user: &str, state: &str, body: &str) {
        let mut st = self.shared.lock();
        st.next_id += 1;
        let id = st.next_id;
        let user_json = account_json(&self.shared, &mut st, user);
        let sha = st
            .prs
            .iter()
            .find(|p| p.number == number)
            .map(|p| p.head_sha.clone())
            .unwrap_or_default();
        st.reviews.entry(number).or_default().push(json!({
            "id": id,
            "node_id": format!("PRR_kwDO{id}"),
            "user": user_json,
            "body": body,
            "state": state,
            "html_url": format!("https://github.com/pull/{number}#pullrequestreview-{id}"),
            "pull_request_url": format!("{}/pulls/{number}", self.url),
            "_links": {
                "html": {"href": format!("https://github.com/pull/{number}#pullrequestreview-{id}")},
                "pull_request": {"href": format!("{}/pulls/{number}", self.url)}
            },
            "author_association": "MEMBER",
            "submitted_at": FIXED_TIME,
            "commit_id": sha
        }));
    }

    /// Add a review comment on pull request `number`; `line: None` is an outdated comment. Returns its id.
    pub fn add_review_comment(&self, number: u64, user: &str, path: &str, line: Option<u64>, body: &str, in_reply_to: Option<u64>) -> u64 {
        let mut st = self.shared.lock();
        st.next_id += 1;
        let id = st.next_id;
        let user_json = account_json(&self.shared, &mut st, user);
        let mut comment = json!({
            "url": format!("{}/pulls/comments/{id}", self.url),
            "pull_request_review_id": id + 1_000_000,
            "id": id,
            "node_id": format!("PRRC_kwDO{id}"),
            "diff_hunk": "@@ -0,0 +1,3 @@",
            "path": path,
            "position": line,
            "original_position": 1,
            "commit_id": "0000000000000000000000000000000000000000",
            "original_commit_id": "0000000000000000000000000000000000000000",
            "user": user_json,
            "body": body,
            "created_at": FIXED_TIME,
            "updated_at": format!("2024-01-01T00:{:02}:{:02}Z", (id / 60) % 60, id % 60),
            "html_url": format!("https://github.com/pull/{number}#discussion_r{id}"),
            "pull_request_url": format!("{}/pulls/{number}", self.url),
            "_links": {
                "self": {"href": format!("{}/pulls/comments/{id}", self.url)},
                "html": {"href": format!("https://github.com/pull/{number}#discussion_r{id}")},
                "pull_request": {"href": format!("{}/pulls/{number}", self.url)}
            },
            "author_association": "MEMBER",
            "line": line,
            "original_line": 1,
            "side": "RIGHT"
        });
        if let Some(parent) = in_reply_to {
            comment["in_reply_to_id"] = json!(parent);
        }
        st.review_comments.entry(number).or_default().push(comment);
        id
    }

    /// Add a comment to pull request `number`'s conversation.
    pub fn add_issue_comment(&self, number: u64, user: &str, body: &str) {
        let mut st = self.shared.lock();
        st.next_id += 1;
        let id = st.next_id;
        let user_json = account_json(&self.shared, &mut st, user);
        st.issue_comments.entry(number).or_default().push(json!({
            "id": id,
            "node_id": format!("IC_kwDO{id}"),
            "url": format!("{}/issues/comments/{id}", self.url),
            "html_url": format!("https://github.com/pull/{number}#issuecomment-{id}"),
            "issue_url": format!("{}/issues/{number}", self.url),
            "body": body,
            "user": user_json,
            "created_at": FIXED_TIME,
            "updated_at": FIXED_TIME,
            "author_association": "NONE"
        }));
    }

    /// Add a commit on the upstream's default branch (newer than the ones before) by `author`,
    /// touching `paths`: listed by `GET /repos/{o}/{r}/commits?path=`. Returns its sha.
    pub fn add_commit(&self, message: &str, author: &str, paths: &[&str]) -> String {
        let mut st = self.shared.lock();
        st.next_id += 1;
        let sha = fake_sha(&format!("commit {} {message}", st.next_id));
        let user = account_json(&self.shared, &mut st, author);
        let person = json!({"name": author, "email": format!("{author}@users.noreply.github.com"), "date": FIXED_TIME});
        let item = json!({
            "url": format!("{}/repos/commits/{sha}", self.url),
            "sha": sha,
            "node_id": format!("C_kwDO{}", st.next_id),
            "html_url": format!("https://github.com/commit/{sha}"),
            "comments_url": format!("{}/repos/commits/{sha}/comments", self.url),
            "commit": {
                "url": format!("{}/repos/git/commits/{sha}", self.url),
                "author": person,
                "committer": {"name": "GitHub", "email": "noreply@github.com", "date": FIXED_TIME},
                "message": message,
                "tree": {"url": format!("{}/repos/git/trees/{sha}", self.url), "sha": fake_sha(&format!("tree {sha}"))},
                "comment_count": 0,
                "verification": {"verified": false, "reason": "unsigned", "signature": null, "payload": null, "verified_at": null}
            },
            "author": user,
            "committer": null,
            "parents": []
        });
        st.commits.insert(0, (item, paths.iter().map(|p| p.to_string()).collect()));
        sha
    }

    /// A certification bot's answer on pull request `number` (see [`bot_failure`]).
    pub fn add_bot_comment(&self, number: u64, body: &str) {
        self.add_issue_comment(number, CERTIFICATION_BOT, body);
    }

    /// What `compare/{base}...{head_sha}` answers: commits ahead and behind.
    pub fn set_compare(&self, head_sha: &str, ahead: u64, behind: u64) {
        self.shared.lock().compare.insert(head_sha.to_string(), (ahead, behind));
    }

    /// Create or move branch `name` on repository `full_name` (listed by `GET .../branches`).
    pub fn set_branch(&self, full_name: &str, name: &str, sha: &str, protected: bool) {
        self.shared
            .lock()
            .branches
            .entry(full_name.to_ascii_lowercase())
            .or_default()
            .insert(name.to_string(), (sha.to_string(), protected));
    }

    /// Make `GET .../pulls` ignore its `head=` filter, as a misbehaving server (or proxy) might.
    pub fn ignore_head_filter(&self, ignore: bool) {
        self.shared.lock().ignore_head_filter = ignore;
    }

    /// The branches of `full_name` the fake holds.
    pub fn branches(&self, full_name: &str) -> Vec<String> {
        self.shared
            .lock()
            .branches
            .get(&full_name.to_ascii_lowercase())
            .map(|b| b.keys().cloned().collect())
            .unwrap_or_default()
    }

    // --- faults ----------------------------------------------------------------------------

    /// Queue `response` for the next request on `route` ("METHOD /path", or "*").
    pub fn inject(&self, route: &str, response: CannedResponse) {
        self.push_fault(route, Fault::Respond(response));
    }

    /// Queue a plain error: `status` with `body` (e.g. `json!({"message":"Server Error"})`).
    pub fn fail_next(&self, route: &str, status: u16, body: Value) {
        self.inject(route, CannedResponse::new(status, body));
    }

    /// Queue GitHub's secondary rate limit: 403, `Retry-After: secs`.
    pub fn rate_limit_next(&self, route: &str, retry_after_secs: u64) {
        self.inject(route, secondary_rate_limit(403, Some(retry_after_secs)));
    }

    /// Queue a secondary rate limit answered with 429 and `Retry-After: secs`.
    pub fn rate_limit_429_next(&self, route: &str, retry_after_secs: u64) {
        self.inject(route, secondary_rate_limit(429, Some(retry_after_secs)));
    }

    /// Queue a secondary rate limit without `Retry-After` (GitHub does that too).
    pub fn secondary_rate_limit_no_header_next(&self, route: &str) {
        self.inject(route, secondary_rate_limit(403, None));
    }

    /// Queue GitHub's primary rate limit: 403, `x-ratelimit-remaining: 0`,
    /// `x-ratelimit-reset` = now + `reset_after_secs` (epoch seconds).
    pub fn primary_rate_limit_next(&self, route: &str, reset_after_secs: u64) {
        let reset = now_epoch() + reset_after_secs;
        self.inject(
            route,
            CannedResponse::new(
                403,
                json!({
                    "message": "API rate limit exceeded for user ID 1001. If you reach out to GitHub Support for help, please include the request ID 0000:0000:0000000:0000000:00000000.",
                    "documentation_url": "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api",
                    "status": "403"
                }),
            )
            .header("x-ratelimit-limit", "5000")
            .header("x-ratelimit-remaining", "0")
            .header("x-ratelimit-used", "5000")
            .header("x-ratelimit-reset", &reset.to_string())
            .header("x-ratelimit-resource", "core"),
        );
    }

    /// Delay the next request on `route` by `delay`, then handle it normally.
    pub fn delay_next(&self, route: &str, delay: Duration) {
        self.push_fault(route, Fault::Delay(delay));
    }

    /// When the next request on `route` arrives, move branch `name` of `full_name` to `sha`
    /// first (someone pushed while the tool was between two calls).
    pub fn move_branch_on(&self, route: &str, full_name: &str, name: &str, sha: &str) {
        self.push_fault(route, Fault::MoveBranch(full_name.into(), name.into(), sha.into()));
    }

    /// Faults queued and not yet served, all routes.
    pub fn pending_faults(&self) -> usize {
        self.shared.lock().faults.values().map(VecDeque::len).sum()
    }

    fn push_fault(&self, route: &str, fault: Fault) {
        self.shared.lock().faults.entry(route_key(route)).or_default().push_back(fault);
    }

    // --- recording -------------------------------------------------------------------------

    /// Every request answered so far, in the order answered.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.shared.lock().requests.clone()
    }

    /// Requests other than GET/HEAD.
    pub fn write_requests(&self) -> Vec<RecordedRequest> {
        self.requests()
            .into_iter()
            .filter(|r| r.method != "GET" && r.method != "HEAD")
            .collect()
    }

    /// Requests no route of the fake matched.
    pub fn unhandled(&self) -> Vec<RecordedRequest> {
        self.requests().into_iter().filter(|r| !r.handled).collect()
    }

    /// How many requests hit `route` ("METHOD /path", case-insensitive, query ignored).
    pub fn count(&self, route: &str) -> usize {
        let key = route_key(route);
        self.shared.lock().requests.iter().filter(|r| route_key(&r.route()) == key).count()
    }

    pub fn clear_requests(&self) {
        self.shared.lock().requests.clear();
    }
}

impl Drop for FakeGitHub {
    fn drop(&mut self) {
        self.stopping.store(true, Ordering::SeqCst);
        self.server.unblock();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Request handling
// ---------------------------------------------------------------------------------------------

struct Reply {
    status: u16,
    headers: Vec<(String, String)>,
    body: Value,
    handled: bool,
    injected: bool,
}

impl Reply {
    fn json(status: u16, body: Value) -> Reply {
        Reply {
            status,
            headers: Vec::new(),
            body,
            handled: true,
            injected: false,
        }
    }

    fn error(status: u16, message: &str, doc: &str) -> Reply {
        Reply::json(
            status,
            json!({"message": message, "documentation_url": doc, "status": status.to_string()}),
        )
    }
}

enum Auth {
    Anonymous,
    Bad,
    User(FakeUser),
}

struct Incoming {
    method: String,
    path: String,
    raw_query: String,
    query: Vec<(String, String)>,
    headers: Vec<(String, String)>,
    body: Value,
}

impl Incoming {
    fn param(&self, name: &str) -> Option<&str> {
        self.query.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }

    fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }
}

fn serve(shared: &Shared, mut request: tiny_http::Request) {
    let latency = shared.latency_us.load(Ordering::SeqCst);
    if latency > 0 {
        std::thread::sleep(Duration::from_micros(latency));
    }
    let mut raw = Vec::new();
    let _ = request.as_reader().read_to_end(&mut raw);
    let method = request.method().as_str().to_ascii_uppercase();
    let (path, raw_query) = match request.url().split_once('?') {
        Some((p, q)) => (p.to_string(), q.to_string()),
        None => (request.url().to_string(), String::new()),
    };
    let path = percent_decode(&path);
    let path = if path.len() > 1 {
        path.trim_end_matches('/').to_string()
    } else {
        path
    };
    let headers: Vec<(String, String)> = request
        .headers()
        .iter()
        .map(|h| (h.field.as_str().as_str().to_ascii_lowercase(), h.value.as_str().to_string()))
        .collect();
    let body = if raw.iter().all(u8::is_ascii_whitespace) {
        Value::Null
    } else {
        serde_json::from_slice(&raw).unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&raw).into_owned()))
    };
    let incoming = Incoming {
        method,
        query: parse_form(&raw_query),
        path,
        raw_query,
        headers,
        body,
    };

    let auth = authenticate(shared, &incoming);
    let mut reply = respond(shared, &incoming, &auth);
    // Conditional requests: every 200 to a GET carries an ETag of its body; `If-None-Match` with
    // that ETag is answered 304 without a body.
    if incoming.method == "GET" && reply.status == 200 {
        use std::hash::{Hash, Hasher};
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        reply.body.to_string().hash(&mut hasher);
        let etag = format!("\"{:016x}\"", hasher.finish());
        if incoming.header("if-none-match") == Some(etag.as_str()) {
            reply.status = 304;
            reply.body = Value::Null;
        }
        reply.headers.push(("ETag".into(), etag));
    }

    let (request_id, scopes) = {
        let mut st = shared.lock();
        st.request_counter += 1;
        st.requests.push(RecordedRequest {
            method: incoming.method.clone(),
            path: incoming.path.clone(),
            raw_query: incoming.raw_query.clone(),
            query: incoming.query.clone(),
            headers: incoming.headers.clone(),
            authorization: incoming.header("authorization").map(str::to_string),
            body: incoming.body.clone(),
            status: reply.status,
            handled: reply.handled,
            injected: reply.injected,
            answer: reply.body.clone(),
        });
        let scopes = match &auth {
            Auth::User(u) => u.scopes.clone(),
            _ => None,
        };
        (st.request_counter, scopes)
    };

    let mut out: Vec<(String, String)> = vec![
        ("Content-Type".into(), "application/json; charset=utf-8".into()),
        ("X-GitHub-Media-Type".into(), "github.v3; format=json".into()),
        ("X-GitHub-Api-Version-Selected".into(), "2022-11-28".into()),
        ("X-GitHub-Request-Id".into(), format!("FAKE:{request_id:08X}")),
        ("X-RateLimit-Limit".into(), "5000".into()),
        ("X-RateLimit-Remaining".into(), "4999".into()),
        ("X-RateLimit-Used".into(), "1".into()),
        ("X-RateLimit-Reset".into(), (now_epoch() + 3600).to_string()),
        ("X-RateLimit-Resource".into(), "core".into()),
    ];
    if let Some(s) = scopes {
        out.push(("X-OAuth-Scopes".into(), s));
        out.push(("X-Accepted-OAuth-Scopes".into(), "repo".into()));
    }
    for (k, v) in &reply.headers {
        out.retain(|(ok, _)| !ok.eq_ignore_ascii_case(k));
        out.push((k.clone(), v.clone()));
    }
    let data = if reply.body.is_null() {
        Vec::new()
    } else {
        serde_json::to_vec_pretty(&reply.body).expect("serialize reply")
    };
    let mut response = tiny_http::Response::from_data(data).with_status_code(reply.status);
    for (k, v) in out {
        if let Ok(h) = tiny_http::Header::from_bytes(k.as_bytes(), v.as_bytes()) {
            response.add_header(h);
        }
    }
    let _ = request.respond(response);
}

fn authenticate(shared: &Shared, req: &Incoming) -> Auth {
    let Some(value) = req.header("authorization") else {
        return Auth::Anonymous;
    };
    let token = value
        .split_once(' ')
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("token") || scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, t)| t.trim());
    let st = shared.lock();
    match token.and_then(|t| st.users.iter().find(|u| u.token == t)) {
        Some(u) => Auth::User(u.clone()),
        None => Auth::Bad,
    }
}

fn take_injected(shared: &Shared, req: &Incoming) -> Option<CannedResponse> {
    let key = route_key(&format!("{} {}", req.method, req.path));
    loop {
        let fault = {
            let mut st = shared.lock();
            let from_route = st.faults.get_mut(&key).and_then(VecDeque::pop_front);
            match from_route {
                Some(f) => Some(f),
                None => st.faults.get_mut("*").and_then(VecDeque::pop_front),
            }
        };
        match fault {
            None => return None,
            Some(Fault::Respond(r)) => return Some(r),
            Some(Fault::Delay(d)) => std::thread::sleep(d),
            Some(Fault::MoveBranch(repo, name, sha)) => {
                shared
                    .lock()
                    .branches
                    .entry(repo.to_ascii_lowercase())
                    .or_default()
                    .entry(name)
                    .and_modify(|b| b.0 = sha.clone())
                    .or_insert((sha, false));
            }
        }
    }
}

fn respond(shared: &Shared, req: &Incoming, auth: &Auth) -> Reply {
    if let Some(canned) = take_injected(shared, req) {
        return Reply {
            status: canned.status,
            headers: canned.headers,
            body: canned.body,
            handled: true,
            injected: true,
        };
    }
    if let Auth::Bad = auth {
        return Reply::error(401, "Bad credentials", DOCS);
    }
    let viewer = match auth {
        Auth::User(u) => Some(u),
        _ => None,
    };
    let segs: Vec<&str> = req.path.trim_start_matches('/').split('/').collect();
    match (req.method.as_str(), segs.as_slice()) {
        ("GET", ["user"]) => get_user(shared, viewer),
        ("GET", ["repos", o, r]) => get_repo(shared, viewer, o, r),
        ("POST", ["repos", o, r, "forks"]) => create_fork(shared, viewer, o, r, &req.body),
        ("POST", ["repos", o, r, "merge-upstream"]) => merge_upstream(shared, viewer, o, r, &req.body),
        ("GET", ["repos", o, r, "pulls"]) => list_pulls(shared, viewer, o, r, req),
        ("GET", ["repos", o, r, "pulls", n, "files"]) => pull_files(shared, o, r, n, req),
        ("GET", ["repos", o, r, "contents", rest @ ..]) => contents(shared, o, r, &rest.join("/"), req),
        ("POST", ["repos", o, r, "pulls"]) => create_pull(shared, viewer, o, r, &req.body),
        ("GET", ["repos", o, r, "pulls", n]) => get_pull(shared, viewer, o, r, n),
        ("PATCH", ["repos", o, r, "pulls", n]) => update_pull(shared, viewer, o, r, n, &req.body),
        ("GET", ["repos", o, r, "commits", sha, "check-runs"]) => list_check_runs(shared, o, r, sha, req),
        ("GET", ["repos", o, r, "commits", sha, "status"]) => combined_status(shared, o, r, sha, req),
        ("GET", ["repos", o, r, "check-runs", id, "annotations"]) => list_annotations(shared, o, r, id, req),
        ("GET", ["repos", o, r, "pulls", n, "reviews"]) => list_per_pr(shared, o, r, n, req, |st| &st.reviews),
        ("GET", ["repos", o, r, "pulls", n, "comments"]) => list_review_comments(shared, o, r, n, req),
        ("GET", ["repos", o, r, "issues", n, "comments"]) => list_per_pr(shared, o, r, n, req, |st| &st.issue_comments),
        ("GET", ["repos", o, r, "compare", basehead]) => compare(shared, o, r, basehead),
        ("GET", ["repos", o, r, "branches"]) => list_branches(shared, o, r, req),
        ("GET", ["repos", o, r, "git", "ref", "heads", rest @ ..]) => get_branch_ref(shared, o, r, &rest.join("/")),
        ("GET", ["repos", o, r, "commits"]) => list_commits(shared, o, r, req),
        ("DELETE", ["repos", o, r, "git", "refs", "heads", rest @ ..]) => delete_branch(shared, viewer, o, r, &rest.join("/")),
        _ => {
            let mut reply = Reply::error(404, "Not Found", DOCS);
            reply.handled = false;
            reply
        }
    }
}

fn requires_auth() -> Reply {
    Reply::error(401, "Requires authentication", DOCS)
}

fn repo_not_found(doc: &str) -> Reply {
    Reply::error(404, "Not Found", doc)
}

fn get_user(shared: &Shared, viewer: Option<&FakeUser>) -> Reply {
    let Some(u) = viewer else {
        return Reply::error(
            401,
            "Requires authentication",
            "https://docs.github.com/rest/users/users#get-the-authenticated-user",
        );
    };
    let mut st = shared.lock();
    let id = st.account(&u.login, "User").id;
    let mut v = user_json(shared, &u.login, id, "User");
    let m = v.as_object_mut().expect("object");
    m.insert("name".into(), json!(u.name));
    m.insert("company".into(), Value::Null);
    m.insert("blog".into(), json!(""));
    m.insert("location".into(), Value::Null);
    m.insert("email".into(), json!(u.email));
    m.insert("hireable".into(), Value::Null);
    m.insert("bio".into(), Value::Null);
    m.insert("twitter_username".into(), Value::Null);
    m.insert("notification_email".into(), json!(u.email));
    let owned = st.repos.iter().filter(|r| r.owner.eq_ignore_ascii_case(&u.login)).count();
    m.insert("public_repos".into(), json!(owned));
    m.insert("public_gists".into(), json!(0));
    m.insert("followers".into(), json!(0));
    m.insert("following".into(), json!(0));
    m.insert("created_at".into(), json!(FIXED_TIME));
    m.insert("updated_at".into(), json!(FIXED_TIME));
    m.insert("private_gists".into(), json!(0));
    m.insert("total_private_repos".into(), json!(0));
    m.insert("owned_private_repos".into(), json!(0));
    m.insert("disk_usage".into(), json!(0));
    m.insert("collaborators".into(), json!(0));
    m.insert("two_factor_authentication".into(), json!(true));
    m.insert(
        "plan".into(),
        json!({"name": "free", "space": 976562499, "private_repos": 10000, "collaborators": 0}),
    );
    Reply::json(200, v)
}

const GET_REPO_DOC: &str = "https://docs.github.com/rest/repos/repos#get-a-repository";

fn get_repo(shared: &Shared, viewer: Option<&FakeUser>, owner: &str, name: &str) -> Reply {
    let mut st = shared.lock();
    let Some(i) = st.repo_index(owner, name) else {
        return repo_not_found(GET_REPO_DOC);
    };
    if st.repos[i].hidden_polls > 0 {
        st.repos[i].hidden_polls -= 1;
        return repo_not_found(GET_REPO_DOC);
    }
    if st.repos[i].private && viewer.is_none_or(|v| !v.login.eq_ignore_ascii_case(&st.repos[i].owner)) {
        return repo_not_found(GET_REPO_DOC);
    }
    let repo = st.repos[i].clone();
    Reply::json(200, repo_json(shared, &mut st, &repo, viewer.map(|v| v.login.as_str()), true))
}

fn create_fork(shared: &Shared, viewer: Option<&FakeUser>, owner: &str, name: &str, body: &Value) -> Reply {
    const DOC: &str = "https://docs.github.com/rest/repos/forks#create-a-fork";
    let Some(user) = viewer else {
        return requires_auth();
    };
    let (reply, created) = {
        let mut st = shared.lock();
        let Some(si) = st.repo_index(owner, name).filter(|&i| st.repos[i].hidden_polls == 0) else {
            return repo_not_found(DOC);
        };
        let source = st.repos[si].clone();
        let target_owner = body.get("organization").and_then(Value::as_str).unwrap_or(&user.login).to_string();
        if target_owner.eq_ignore_ascii_case(&source.owner) {
            return Reply::json(
                422,
                json!({"message": "Validation Failed", "errors": [{"resource": "Repository", "code": "custom", "message": "Cannot fork a repository into the same account."}], "documentation_url": DOC, "status": "422"}),
            );
        }
        let existing = st.repos.iter().position(|r| {
            r.owner.eq_ignore_ascii_case(&target_owner) && r.parent.as_deref().is_some_and(|p| p.eq_ignore_ascii_case(&source.full_name()))
        });
        let (index, created) = match existing {
            Some(i) => (i, None),
            None => {
                let wanted = body.get("name").and_then(Value::as_str).unwrap_or(&source.name).to_string();
                let mut fork_name = wanted.clone();
                let mut n = 1;
                while st.repo_index(&target_owner, &fork_name).is_some() {
                    fork_name = format!("{wanted}-{n}");
                    n += 1;
                }
                let polls = st.fork_polls_before_visible;
                let i = st.add_repo(
                    &target_owner,
                    &fork_name,
                    Some(source.full_name()),
                    &source.default_branch,
                    source.private,
                    polls,
                );
                let fork = &st.repos[i];
                let event = ForkCreated {
                    owner: fork.owner.clone(),
                    repo: fork.name.clone(),
                    parent_owner: source.owner.clone(),
                    parent_repo: source.name.clone(),
                };
                (i, Some(event))
            }
        };
        let fork = st.repos[index].clone();
        let json = repo_json(shared, &mut st, &fork, Some(&user.login), true);
        (Reply::json(202, json), created)
    };
    if let (Some(event), Some(hook)) = (created, &shared.on_fork) {
        hook(&event);
    }
    reply
}

fn merge_upstream(shared: &Shared, viewer: Option<&FakeUser>, owner: &str, name: &str, body: &Value) -> Reply {
    const DOC: &str = "https://docs.github.com/rest/branches/branches#sync-a-fork-branch-with-the-upstream-repository";
    let Some(user) = viewer else {
        return requires_auth();
    };
    let (call, configured) = {
        let st = shared.lock();
        let Some(i) = st.repo_index(owner, name).filter(|&i| st.repos[i].hidden_polls == 0) else {
            return repo_not_found(DOC);
        };
        let repo = st.repos[i].clone();
        if !repo.owner.eq_ignore_ascii_case(&user.login) {
            return Reply::error(403, "Must have push access to repository", DOC);
        }
        let Some(branch) = body.get("branch").and_then(Value::as_str) else {
            return Reply::error(422, "Invalid request.\n\n\"branch\" wasn't supplied.", DOC);
        };
        let Some(parent) = repo.parent.clone() else {
            return Reply::error(422, "This repository is not a fork.", DOC);
        };
        let (parent_owner, parent_repo) = parent.split_once('/').expect("owner/name");
        let call = MergeUpstreamCall {
            owner: repo.owner.clone(),
            repo: repo.name.clone(),
            branch: branch.to_string(),
            parent_owner: parent_owner.to_string(),
            parent_repo: parent_repo.to_string(),
        };
        (call, st.merge_result.clone())
    };
    let result = match &shared.on_merge_upstream {
        Some(hook) => hook(&call),
        None => configured,
    };
    let base_branch = format!("{}:{}", call.parent_owner, call.branch);
    match result {
        MergeUpstreamResult::FastForward => Reply::json(
            200,
            json!({
                "message": format!("Successfully fetched and fast-forwarded from upstream {base_branch}."),
                "merge_type": "fast-forward",
                "base_branch": base_branch,
            }),
        ),
        MergeUpstreamResult::Merge => Reply::json(
            200,
            json!({
                "message": format!("Successfully fetched and merged from upstream {base_branch}."),
                "merge_type": "merge",
                "base_branch": base_branch,
            }),
        ),
        MergeUpstreamResult::UpToDate => Reply::json(
            200,
            json!({
                "message": format!("This branch is not behind the upstream {base_branch}."),
                "merge_type": "none",
                "base_branch": base_branch,
            }),
        ),
        MergeUpstreamResult::Conflict => Reply::error(409, "There are merge conflicts", DOC),
        MergeUpstreamResult::Unprocessable(msg) => Reply::error(422, &msg, DOC),
    }
}

fn list_pulls(shared: &Shared, viewer: Option<&FakeUser>, owner: &str, name: &str, req: &Incoming) -> Reply {
    const DOC: &str = "https://docs.github.com/rest/pulls/pulls#list-pull-requests";
    let mut st = shared.lock();
    let Some(i) = st.repo_index(owner, name).filter(|&i| st.repos[i].hidden_polls == 0) else {
        return repo_not_found(DOC);
    };
    let base_full = st.repos[i].full_name();
    let state = req.param("state").unwrap_or("open");
    let head_filter = req.param("head").filter(|_| !st.ignore_head_filter);
    let (head_owner, head_ref) = match head_filter {
        Some(h) => match h.split_once(':') {
            Some((o, r)) => (Some(o.to_string()), Some(r.to_string())),
            None => (Some(h.to_string()), None),
        },
        None => (None, None),
    };
    let base = req.param("base");
    let mut matching: Vec<FakePullRequest> = st
        .prs
        .iter()
        .filter(|p| p.base_repo.eq_ignore_ascii_case(&base_full))
        .filter(|p| state == "all" || p.state == state)
        .filter(|p| head_owner.as_deref().is_none_or(|o| p.head_owner.eq_ignore_ascii_case(o)))
        .filter(|p| head_ref.as_deref().is_none_or(|r| p.head_ref == r))
        .filter(|p| base.is_none_or(|b| p.base_ref == b))
        .cloned()
        .collect();
    // GitHub's default: sort=created, direction=desc; `sort=updated` orders by `updated_at`.
    matching.sort_by_key(|p| std::cmp::Reverse(p.number));
    if req.param("sort") == Some("updated") {
        let updated = |p: &FakePullRequest| {
            st.pr_extras
                .get(&p.number)
                .and_then(|e| e.updated_at.clone())
                .unwrap_or_else(|| FIXED_TIME.to_string())
        };
        matching.sort_by_cached_key(|p| std::cmp::Reverse(updated(p)));
    }
    if req.param("direction") == Some("asc") {
        matching.reverse();
    }
    let (per_page, page) = paging(req);
    let items: Vec<Value> = matching
        .iter()
        .skip((page - 1) * per_page)
        .take(per_page)
        .map(|p| pr_json(shared, &mut st, p, viewer.map(|v| v.login.as_str()), false))
        .collect();
    let mut reply = Reply::json(200, Value::Array(items));
    if let Some(link) = link_header(req, matching.len()) {
        reply.headers.push(("Link".into(), link));
    }
    reply
}

/// `per_page` (default 30, at most 100) and `page` (from 1) of a list request.
fn paging(req: &Incoming) -> (usize, usize) {
    let per_page = req
        .param("per_page")
        .and_then(|v| v.parse::<usize>().ok())
        .unwrap_or(30)
        .clamp(1, 100);
    let page = req.param("page").and_then(|v| v.parse::<usize>().ok()).unwrap_or(1).max(1);
    (per_page, page)
}

/// The items of the requested page.
fn page_of(req: &Incoming, items: &[Value]) -> Vec<Value> {
    let (per_page, page) = paging(req);
    items.iter().skip((page - 1) * per_page).take(per_page).cloned().collect()
}

/// GitHub's pagination: `Link` with rel="next" (and "last") while more pages follow.
fn link_header(req: &Incoming, total: usize) -> Option<String> {
    let (per_page, page) = paging(req);
    let pages = total.div_ceil(per_page).max(1);
    if page >= pages {
        return None;
    }
    let host = req.header("host").unwrap_or("127.0.0.1");
    let other: Vec<String> = req
        .raw_query
        .split('&')
        .filter(|kv| !kv.is_empty() && !kv.starts_with("page=") && !kv.starts_with("per_page="))
        .map(str::to_string)
        .collect();
    let link = |n: usize| {
        let mut query = other.clone();
        query.push(format!("per_page={per_page}"));
        query.push(format!("page={n}"));
        format!("<http://{host}{}?{}>", req.path, query.join("&"))
    };
    Some(format!("{}; rel=\"next\", {}; rel=\"last\"", link(page + 1), link(pages)))
}

/// A page of `items` as a JSON array with its `Link`.
fn paged_list(req: &Incoming, items: &[Value]) -> Reply {
    let mut reply = Reply::json(200, Value::Array(page_of(req, items)));
    if let Some(link) = link_header(req, items.len()) {
        reply.headers.push(("Link".into(), link));
    }
    reply
}

fn visible_repo(st: &State, owner: &str, name: &str) -> Option<FakeRepoState> {
    st.repo_index(owner, name)
        .filter(|&i| st.repos[i].hidden_polls == 0)
        .map(|i| st.repos[i].clone())
}

fn find_pr(st: &State, base: &FakeRepoState, number: &str) -> Option<FakePullRequest> {
    let n: u64 = number.parse().ok()?;
    st.prs
        .iter()
        .find(|p| p.number == n && p.base_repo.eq_ignore_ascii_case(&base.full_name()))
        .cloned()
}

fn get_pull(shared: &Shared, viewer: Option<&FakeUser>, owner: &str, name: &str, number: &str) -> Reply {
    const DOC: &str = "https://docs.github.com/rest/pulls/pulls#get-a-pull-request";
    let mut st = shared.lock();
    let Some(base) = visible_repo(&st, owner, name) else {
        return repo_not_found(DOC);
    };
    let Some(pr) = find_pr(&st, &base, number) else {
        return repo_not_found(DOC);
    };
    Reply::json(200, pr_json(shared, &mut st, &pr, viewer.map(|v| v.login.as_str()), true))
}

fn update_pull(shared: &Shared, viewer: Option<&FakeUser>, owner: &str, name: &str, number: &str, body: &Value) -> Reply {
    const DOC: &str = "https://docs.github.com/rest/pulls/pulls#update-a-pull-request";
    let Some(user) = viewer else {
        return requires_auth();
    };
    let mut st = shared.lock();
    let Some(base) = visible_repo(&st, owner, name) else {
        return repo_not_found(DOC);
    };
    let Some(pr) = find_pr(&st, &base, number) else {
        return repo_not_found(DOC);
    };
    if !pr.user.eq_ignore_ascii_case(&user.login) && !base.owner.eq_ignore_ascii_case(&user.login) {
        return Reply::error(403, "Resource not accessible by personal access token", DOC);
    }
    let stored = st.prs.iter_mut().find(|p| p.id == pr.id).expect("found above");
    if let Some(t) = body.get("title").and_then(Value::as_str) {
        stored.title = t.to_string();
    }
    if let Some(b) = body.get("body") {
        stored.body = b.as_str().map(str::to_string);
    }
    if let Some(state) = body.get("state").and_then(Value::as_str) {
        stored.state = state.to_string();
    }
    let pr = stored.clone();
    Reply::json(200, pr_json(shared, &mut st, &pr, Some(&user.login), true))
}

fn list_check_runs(shared: &Shared, owner: &str, name: &str, sha: &str, req: &Incoming) -> Reply {
    let st = shared.lock();
    if visible_repo(&st, owner, name).is_none() {
        return repo_not_found("https://docs.github.com/rest/checks/runs#list-check-runs-for-a-git-reference");
    }
    let runs = st.check_runs.get(sha).cloned().unwrap_or_default();
    let mut reply = Reply::json(200, json!({"total_count": runs.len(), "check_runs": page_of(req, &runs)}));
    if let Some(link) = link_header(req, runs.len()) {
        reply.headers.push(("Link".into(), link));
    }
    reply
}

fn combined_status(shared: &Shared, owner: &str, name: &str, sha: &str, req: &Incoming) -> Reply {
    let mut st = shared.lock();
    let Some(repo) = visible_repo(&st, owner, name) else {
        return repo_not_found("https://docs.github.com/rest/commits/statuses#get-the-combined-status-for-a-specific-reference");
    };
    // The latest status per context, as GitHub combines them.
    let mut latest: Vec<Value> = Vec::new();
    for s in st.statuses.get(sha).cloned().unwrap_or_default() {
        if !latest.iter().any(|l| l["context"] == s["context"]) {
            latest.push(s);
        }
    }
    let state = if latest.iter().any(|s| s["state"] == "failure" || s["state"] == "error") {
        "failure"
    } else if latest.is_empty() || latest.iter().any(|s| s["state"] == "pending") {
        "pending"
    } else {
        "success"
    };
    let repository = repo_json(shared, &mut st, &repo, None, false);
    let mut reply = Reply::json(
        200,
        json!({"state": state, "statuses": page_of(req, &latest), "sha": sha, "total_count": latest.len(), "repository": repository, "commit_url": format!("{}/repos/{}/commits/{sha}", shared.api, repo.full_name()), "url": format!("{}/repos/{}/commits/{sha}/status", shared.api, repo.full_name())}),
    );
    if let Some(link) = link_header(req, latest.len()) {
        reply.headers.push(("Link".into(), link));
    }
    reply
}

fn list_annotations(shared: &Shared, owner: &str, name: &str, id: &str, req: &Incoming) -> Reply {
    let st = shared.lock();
    if visible_repo(&st, owner, name).is_none() {
        return repo_not_found("https://docs.github.com/rest/checks/runs#list-check-run-annotations");
    }
    let items = id
        .parse::<u64>()
        .ok()
        .and_then(|id| st.annotations.get(&id))
        .cloned()
        .unwrap_or_default();
    paged_list(req, &items)
}

/// `GET /repos/{o}/{r}/commits`: with `path`, the commits that touch it (a file, or a folder's
/// files), newest first, paged.
fn list_commits(shared: &Shared, owner: &str, name: &str, req: &Incoming) -> Reply {
    let st = shared.lock();
    if visible_repo(&st, owner, name).is_none() {
        return repo_not_found(DOCS);
    }
    let path = req.param("path").map(|p| p.trim_matches('/').to_string());
    let items: Vec<Value> = st
        .commits
        .iter()
        .filter(|(_, paths)| match &path {
            None => true,
            Some(p) => paths.iter().any(|f| f == p || f.starts_with(&format!("{p}/"))),
        })
        .map(|(item, _)| item.clone())
        .collect();
    paged_list(req, &items)
}

fn list_per_pr(
    shared: &Shared,
    owner: &str,
    name: &str,
    number: &str,
    req: &Incoming,
    which: impl Fn(&State) -> &HashMap<u64, Vec<Value>>,
) -> Reply {
    let st = shared.lock();
    let Some(base) = visible_repo(&st, owner, name) else {
        return repo_not_found(DOCS);
    };
    let Some(pr) = find_pr(&st, &base, number) else {
        return repo_not_found(DOCS);
    };
    let items = which(&st).get(&pr.number).cloned().unwrap_or_default();
    paged_list(req, &items)
}

fn list_review_comments(shared: &Shared, owner: &str, name: &str, number: &str, req: &Incoming) -> Reply {
    let st = shared.lock();
    let Some(base) = visible_repo(&st, owner, name) else {
        return repo_not_found(DOCS);
    };
    let Some(pr) = find_pr(&st, &base, number) else {
        return repo_not_found(DOCS);
    };
    let mut items = st.review_comments.get(&pr.number).cloned().unwrap_or_default();
    // sort=created (default) or updated; direction asc (default) or desc.
    let key = if req.param("sort") == Some("updated") {
        "updated_at"
    } else {
        "created_at"
    };
    items.sort_by(|a, b| (a[key].as_str(), a["id"].as_u64()).cmp(&(b[key].as_str(), b["id"].as_u64())));
    if req.param("direction") == Some("desc") {
        items.reverse();
    }
    paged_list(req, &items)
}

fn compare(shared: &Shared, owner: &str, name: &str, basehead: &str) -> Reply {
    const DOC: &str = "https://docs.github.com/rest/commits/commits#compare-two-commits";
    let st = shared.lock();
    let Some(repo) = visible_repo(&st, owner, name) else {
        return repo_not_found(DOC);
    };
    let Some((base, head)) = basehead.split_once("...") else {
        return repo_not_found(DOC);
    };
    let (ahead, behind) = st.compare.get(head).copied().unwrap_or((1, 0));
    let status = match (ahead, behind) {
        (0, 0) => "identical",
        (_, 0) => "ahead",
        (0, _) => "behind",
        _ => "diverged",
    };
    let api = format!("{}/repos/{}", shared.api, repo.full_name());
    let html = format!("{}/{}", shared.html, repo.full_name());
    let base_sha = fake_sha(&format!("{}:{base}", repo.full_name()));
    Reply::json(
        200,
        json!({
            "url": format!("{api}/compare/{base}...{head}"),
            "html_url": format!("{html}/compare/{base}...{head}"),
            "permalink_url": format!("{html}/compare/{}...{head}", &base_sha[..7]),
            "diff_url": format!("{html}/compare/{base}...{head}.diff"),
            "patch_url": format!("{html}/compare/{base}...{head}.patch"),
            "base_commit": commit_json(&api, &html, &base_sha),
            "merge_base_commit": commit_json(&api, &html, &base_sha),
            "status": status,
            "ahead_by": ahead,
            "behind_by": behind,
            "total_commits": ahead,
            "commits": [],
            "files": []
        }),
    )
}

/// A commit as GitHub names it in an answer (commit): no author account, as for a commit whose
/// author's email is not on GitHub.
fn commit_json(api: &str, html: &str, sha: &str) -> Value {
    let person = json!({"name": "A Contributor", "email": "contributor@example.com", "date": FIXED_TIME});
    json!({
        "url": format!("{api}/commits/{sha}"),
        "sha": sha,
        "node_id": format!("C_kwDO{}", &sha[..8]),
        "html_url": format!("{html}/commit/{sha}"),
        "comments_url": format!("{api}/commits/{sha}/comments"),
        "commit": {
            "url": format!("{api}/git/commits/{sha}"),
            "author": person,
            "committer": person,
            "message": "A commit",
            "comment_count": 0,
            "tree": {"sha": sha, "url": format!("{api}/git/trees/{sha}")},
        },
        "author": null,
        "committer": null,
        "parents": []
    })
}

fn list_branches(shared: &Shared, owner: &str, name: &str, req: &Incoming) -> Reply {
    let st = shared.lock();
    let Some(repo) = visible_repo(&st, owner, name) else {
        return repo_not_found("https://docs.github.com/rest/branches/branches#list-branches");
    };
    let api = format!("{}/repos/{}", shared.api, repo.full_name());
    let items: Vec<Value> = st
        .branches
        .get(&repo.full_name().to_ascii_lowercase())
        .map(|b| {
            b.iter()
                .map(|(n, (sha, protected))| json!({"name": n, "commit": {"sha": sha, "url": format!("{api}/commits/{sha}")}, "protected": protected}))
                .collect()
        })
        .unwrap_or_default();
    paged_list(req, &items)
}

fn get_branch_ref(shared: &Shared, owner: &str, name: &str, branch: &str) -> Reply {
    const DOC: &str = "https://docs.github.com/rest/git/refs#get-a-reference";
    let st = shared.lock();
    let Some(repo) = visible_repo(&st, owner, name) else {
        return repo_not_found(DOC);
    };
    let api = format!("{}/repos/{}", shared.api, repo.full_name());
    match st.branches.get(&repo.full_name().to_ascii_lowercase()).and_then(|b| b.get(branch)) {
        Some((sha, _)) => Reply::json(
            200,
            json!({
                "ref": format!("refs/heads/{branch}"),
                "node_id": "REF_fake",
                "url": format!("{api}/git/refs/heads/{branch}"),
                "object": {"sha": sha, "type": "commit", "url": format!("{api}/git/commits/{sha}")}
            }),
        ),
        None => repo_not_found(DOC),
    }
}

fn delete_branch(shared: &Shared, viewer: Option<&FakeUser>, owner: &str, name: &str, branch: &str) -> Reply {
    const DOC: &str = "https://docs.github.com/rest/git/refs#delete-a-reference";
    let Some(user) = viewer else {
        return requires_auth();
    };
    let mut st = shared.lock();
    let Some(repo) = visible_repo(&st, owner, name) else {
        return repo_not_found(DOC);
    };
    if !repo.owner.eq_ignore_ascii_case(&user.login) {
        return Reply::error(403, "Must have admin rights to Repository.", DOC);
    }
    let removed = st
        .branches
        .get_mut(&repo.full_name().to_ascii_lowercase())
        .and_then(|b| b.remove(branch));
    match removed {
        Some(_) => Reply {
            status: 204,
            headers: Vec::new(),
            body: Value::Null,
            handled: true,
            injected: false,
        },
        None => Reply::error(422, "Reference does not exist", DOC),
    }
}

// --- What the duplicate search reads: a pull request's files, a file at its head -----------------

fn pull_files(shared: &Shared, owner: &str, name: &str, number: &str, req: &Incoming) -> Reply {
    const DOC: &str = "https://docs.github.com/rest/pulls/pulls#list-pull-requests-files";
    let st = shared.lock();
    let full = format!("{owner}/{name}");
    let Some(pr) = number
        .parse::<u64>()
        .ok()
        .and_then(|n| st.prs.iter().find(|p| p.number == n && p.base_repo.eq_ignore_ascii_case(&full)))
    else {
        return repo_not_found(DOC);
    };
    let files = st.pr_extras.get(&pr.number).map(|e| e.files.clone()).unwrap_or_default();
    let items: Vec<Value> = files
        .iter()
        .map(|(path, content)| {
            json!({
                "sha": fake_sha(path),
                "filename": path,
                "status": if content.is_some() { "added" } else { "removed" },
                "additions": content.as_deref().map_or(0, |c| c.lines().count()),
                "deletions": 0,
                "changes": content.as_deref().map_or(0, |c| c.lines().count()),
                "blob_url": format!("{}/{full}/blob/{}/{path}", shared.html, pr.head_sha),
                "raw_url": format!("{}/{full}/raw/{}/{path}", shared.html, pr.head_sha),
                "contents_url": format!("{}/repos/{full}/contents/{path}?ref={}", shared.api, pr.head_sha),
            })
        })
        .collect();
    paged_list(req, &items)
}

fn contents(shared: &Shared, owner: &str, name: &str, path: &str, req: &Incoming) -> Reply {
    const DOC: &str = "https://docs.github.com/rest/repos/contents#get-repository-content";
    use base64::Engine;
    let st = shared.lock();
    let full = format!("{owner}/{name}");
    let reference = req.param("ref").unwrap_or("");
    // Like GitHub: a pull request's head is in its fork and, as `refs/pull/N/head`, in the base
    // repository (which keeps it when the fork is deleted).
    let found = st
        .prs
        .iter()
        .filter(|p| (p.head_repo.eq_ignore_ascii_case(&full) || p.base_repo.eq_ignore_ascii_case(&full)) && p.head_sha == reference)
        .find_map(|p| {
            st.pr_extras
                .get(&p.number)?
                .files
                .iter()
                .find(|(f, _)| f == path)
                .and_then(|(_, c)| c.clone())
        });
    let Some(content) = found else {
        return repo_not_found(DOC);
    };
    // GitHub wraps the base64 at 60 characters.
    let encoded = base64::engine::general_purpose::STANDARD.encode(content.as_bytes());
    let wrapped: Vec<String> = encoded
        .as_bytes()
        .chunks(60)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect();
    let sha = fake_sha(&content);
    let encoded_path: String = path.split('/').map(|s| s.replace(' ', "%20")).collect::<Vec<_>>().join("/");
    let url = format!("{}/repos/{full}/contents/{encoded_path}?ref={reference}", shared.api);
    let git_url = format!("{}/repos/{full}/git/blobs/{sha}", shared.api);
    let html_url = format!("{}/{full}/blob/{reference}/{encoded_path}", shared.html);
    Reply::json(
        200,
        json!({
            "type": "file",
            "encoding": "base64",
            "size": content.len(),
            "name": path.rsplit('/').next().unwrap_or(path),
            "path": path,
            "content": wrapped.join("\n") + "\n",
            "sha": sha,
            "url": url,
            "git_url": git_url,
            "html_url": html_url,
            "download_url": format!("https://raw.githubusercontent.com/{full}/{reference}/{encoded_path}"),
            "_links": {"self": url, "git": git_url, "html": html_url}
        }),
    )
}

fn create_pull(shared: &Shared, viewer: Option<&FakeUser>, owner: &str, name: &str, body: &Value) -> Reply {
    const DOC: &str = "https://docs.github.com/rest/pulls/pulls#create-a-pull-request";
    let Some(user) = viewer else {
        return requires_auth();
    };
    let validation = |errors: Value| {
        Reply::json(
            422,
            json!({"message": "Validation Failed", "errors": errors, "documentation_url": DOC, "status": "422"}),
        )
    };
    // Phase 1: read what is needed, without holding the lock across the hook.
    let (base_repo, head_repo, head_owner, head_ref, base_ref, title) = {
        let st = shared.lock();
        let Some(i) = st.repo_index(owner, name).filter(|&i| st.repos[i].hidden_polls == 0) else {
            return repo_not_found(DOC);
        };
        let base_repo = st.repos[i].clone();
        let title = body.get("title").and_then(Value::as_str);
        let head = body.get("head").and_then(Value::as_str);
        let base = body.get("base").and_then(Value::as_str);
        for (field, value) in [("title", title), ("head", head), ("base", base)] {
            if value.is_none_or(str::is_empty) {
                return validation(json!([{"resource": "PullRequest", "code": "missing_field", "field": field}]));
            }
        }
        let (title, head, base) = (title.unwrap(), head.unwrap(), base.unwrap());
        let (head_owner, head_ref) = match head.split_once(':') {
            Some((o, r)) => (o.to_string(), r.to_string()),
            None => (base_repo.owner.clone(), head.to_string()),
        };
        let Some(head_repo) = find_head_repo(&st, &base_repo, &head_owner) else {
            return validation(json!([{"resource": "PullRequest", "field": "head", "code": "invalid"}]));
        };
        (base_repo, head_repo, head_owner, head_ref, base.to_string(), title.to_string())
    };
    let (head_sha, base_sha) = match &shared.branch_sha {
        Some(hook) => {
            let Some(h) = hook(&head_repo.owner, &head_repo.name, &head_ref) else {
                return validation(json!([{"resource": "PullRequest", "field": "head", "code": "invalid"}]));
            };
            let Some(b) = hook(&base_repo.owner, &base_repo.name, &base_ref) else {
                return validation(json!([{"resource": "PullRequest", "field": "base", "code": "invalid"}]));
            };
            (h, b)
        }
        None => (
            fake_sha(&format!("{}:{head_ref}", head_repo.full_name())),
            fake_sha(&format!("{}:{base_ref}", base_repo.full_name())),
        ),
    };
    let mut st = shared.lock();
    let duplicate = st.prs.iter().any(|p| {
        p.state == "open"
            && p.base_repo.eq_ignore_ascii_case(&base_repo.full_name())
            && p.base_ref == base_ref
            && p.head_owner.eq_ignore_ascii_case(&head_owner)
            && p.head_ref == head_ref
    });
    if duplicate {
        return validation(json!([{
            "resource": "PullRequest",
            "code": "custom",
            "message": format!("A pull request already exists for {head_owner}:{head_ref}."),
        }]));
    }
    st.next_id += 1;
    let number = st.next_pr_number;
    st.next_pr_number += 1;
    let pr = FakePullRequest {
        id: st.next_id,
        number,
        base_repo: base_repo.full_name(),
        base_ref,
        base_sha,
        head_repo: head_repo.full_name(),
        head_owner: head_repo.owner.clone(),
        head_ref,
        head_sha,
        title,
        body: body.get("body").and_then(Value::as_str).map(str::to_string),
        state: "open".to_string(),
        draft: body.get("draft").and_then(Value::as_bool).unwrap_or(false),
        maintainer_can_modify: body.get("maintainer_can_modify").and_then(Value::as_bool).unwrap_or(true),
        user: user.login.clone(),
        merged: false,
        mergeable: Some(true),
        labels: Vec::new(),
    };
    st.prs.push(pr.clone());
    let json = pr_json(shared, &mut st, &pr, Some(&user.login), true);
    let mut reply = Reply::json(201, json);
    reply
        .headers
        .push(("Location".into(), format!("{}/repos/{}/pulls/{}", shared.api, pr.base_repo, number)));
    reply
}

/// The repository of `head_owner` that a pull request into `base` can come from: `base` itself
/// when the owner is the same, else a visible fork of `base` (or of `base`'s root) owned by them.
fn find_head_repo(st: &State, base: &FakeRepoState, head_owner: &str) -> Option<FakeRepoState> {
    if head_owner.eq_ignore_ascii_case(&base.owner) {
        return Some(base.clone());
    }
    let base_full = base.full_name();
    st.repos
        .iter()
        .filter(|r| r.owner.eq_ignore_ascii_case(head_owner) && r.hidden_polls == 0)
        .find(|r| {
            r.parent.as_deref().is_some_and(|p| p.eq_ignore_ascii_case(&base_full))
                || base
                    .parent
                    .as_deref()
                    .is_some_and(|bp| r.parent.as_deref().is_some_and(|p| p.eq_ignore_ascii_case(bp)))
        })
        .cloned()
}

// ---------------------------------------------------------------------------------------------
// JSON shapes
// ---------------------------------------------------------------------------------------------

/// simple-user
fn user_json(shared: &Shared, login: &str, id: u64, kind: &str) -> Value {
    let api = format!("{}/users/{login}", shared.api);
    json!({
        "login": login,
        "id": id,
        "node_id": format!("MDQ6VXNlcj{id}"),
        "avatar_url": format!("https://avatars.githubusercontent.com/u/{id}?v=4"),
        "gravatar_id": "",
        "url": api,
        "html_url": format!("{}/{login}", shared.html),
        "followers_url": format!("{api}/followers"),
        "following_url": format!("{api}/following{{/other_user}}"),
        "gists_url": format!("{api}/gists{{/gist_id}}"),
        "starred_url": format!("{api}/starred{{/owner}}{{/repo}}"),
        "subscriptions_url": format!("{api}/subscriptions"),
        "organizations_url": format!("{api}/orgs"),
        "repos_url": format!("{api}/repos"),
        "events_url": format!("{api}/events{{/privacy}}"),
        "received_events_url": format!("{api}/received_events"),
        "type": kind,
        "user_view_type": "public",
        "site_admin": false
    })
}

fn account_json(shared: &Shared, st: &mut State, login: &str) -> Value {
    // Accounts that own repositories were registered by `add_repo`; others are users.
    let (login, id, kind) = {
        let a = st.account(login, "User");
        (a.login.clone(), a.id, a.kind)
    };
    user_json(shared, &login, id, kind)
}

/// full-repository (`with_family`: include `parent`/`source` for forks)
fn repo_json(shared: &Shared, st: &mut State, repo: &FakeRepoState, viewer: Option<&str>, with_family: bool) -> Value {
    let full = repo.full_name();
    let api = format!("{}/repos/{full}", shared.api);
    let html = format!("{}/{full}", shared.html);
    let host = shared.html.split_once("://").map_or(shared.html.as_str(), |(_, h)| h).to_string();
    let forks = st
        .repos
        .iter()
        .filter(|r| r.parent.as_deref().is_some_and(|p| p.eq_ignore_ascii_case(&full)))
        .count();
    let open_issues = st
        .prs
        .iter()
        .filter(|p| p.state == "open" && p.base_repo.eq_ignore_ascii_case(&full))
        .count();
    // API URL templates, as in GitHub's full-repository example.
    const TEMPLATES: [(&str, &str); 35] = [
        ("archive_url", "/{archive_format}{/ref}"),
        ("assignees_url", "/assignees{/user}"),
        ("blobs_url", "/git/blobs{/sha}"),
        ("branches_url", "/branches{/branch}"),
        ("collaborators_url", "/collaborators{/collaborator}"),
        ("comments_url", "/comments{/number}"),
        ("commits_url", "/commits{/sha}"),
        ("compare_url", "/compare/{base}...{head}"),
        ("contents_url", "/contents/{+path}"),
        ("contributors_url", "/contributors"),
        ("deployments_url", "/deployments"),
        ("downloads_url", "/downloads"),
        ("events_url", "/events"),
        ("forks_url", "/forks"),
        ("git_commits_url", "/git/commits{/sha}"),
        ("git_refs_url", "/git/refs{/sha}"),
        ("git_tags_url", "/git/tags{/sha}"),
        ("issue_comment_url", "/issues/comments{/number}"),
        ("issue_events_url", "/issues/events{/number}"),
        ("issues_url", "/issues{/number}"),
        ("keys_url", "/keys{/key_id}"),
        ("labels_url", "/labels{/name}"),
        ("languages_url", "/languages"),
        ("merges_url", "/merges"),
        ("milestones_url", "/milestones{/number}"),
        ("notifications_url", "/notifications{?since,all,participating}"),
        ("pulls_url", "/pulls{/number}"),
        ("releases_url", "/releases{/id}"),
        ("stargazers_url", "/stargazers"),
        ("statuses_url", "/statuses/{sha}"),
        ("subscribers_url", "/subscribers"),
        ("subscription_url", "/subscription"),
        ("tags_url", "/tags"),
        ("teams_url", "/teams"),
        ("trees_url", "/git/trees{/sha}"),
    ];
    let mut v = json!({
        "id": repo.id,
        "node_id": format!("R_kgDO{}", repo.id),
        "name": repo.name,
        "full_name": full,
        "private": repo.private,
        "owner": account_json(shared, st, &repo.owner),
        "html_url": html,
        "description": if repo.parent.is_some() { Value::Null } else { json!("Fake repository") },
        "fork": repo.parent.is_some(),
        "url": api,
        "git_url": format!("git://{host}/{full}.git"),
        "ssh_url": format!("git@{host}:{full}.git"),
        "clone_url": format!("{}/{full}.git", shared.git),
        "mirror_url": null,
        "hooks_url": format!("{api}/hooks"),
        "svn_url": html,
    });
    let more = json!({
        "homepage": null,
        "language": "C#",
        "forks_count": forks,
        "stargazers_count": 0,
        "watchers_count": 0,
        "size": 1024,
        "default_branch": repo.default_branch,
        "open_issues_count": open_issues,
        "is_template": false,
        "topics": [],
        "has_issues": repo.parent.is_none(),
        "has_projects": true,
        "has_wiki": false,
        "has_pages": false,
        "has_downloads": true,
        "has_discussions": false,
        "archived": false,
        "disabled": false,
        "visibility": if repo.private { "private" } else { "public" },
        "pushed_at": FIXED_TIME,
        "created_at": FIXED_TIME,
        "updated_at": FIXED_TIME,
        "allow_forking": true,
        "web_commit_signoff_required": false,
        "license": null,
        "forks": forks,
        "open_issues": open_issues,
        "watchers": 0,
        "network_count": forks,
        "subscribers_count": 0
    });
    let m = v.as_object_mut().expect("object");
    if let Value::Object(more) = more {
        m.extend(more);
    }
    for (key, suffix) in TEMPLATES {
        m.insert(key.to_string(), json!(format!("{api}{suffix}")));
    }
    if let Some(viewer) = viewer {
        let own = viewer.eq_ignore_ascii_case(&repo.owner);
        m.insert(
            "permissions".into(),
            json!({"admin": own, "maintain": own, "push": own, "triage": own, "pull": true}),
        );
    }
    if with_family {
        if let Some(parent) = repo.parent.as_deref().and_then(|p| st.repo_by_full(p)).cloned() {
            let mut root = parent.clone();
            let mut guard = 0;
            while let Some(up) = root.parent.as_deref().and_then(|p| st.repo_by_full(p)).cloned() {
                root = up;
                guard += 1;
                if guard > 16 {
                    break;
                }
            }
            let pj = repo_json(shared, st, &parent, viewer, false);
            let sj = repo_json(shared, st, &root, viewer, false);
            insert_all(m, [("parent", pj), ("source", sj)]);
        }
    }
    v
}

fn insert_all<const N: usize>(m: &mut Map<String, Value>, items: [(&str, Value); N]) {
    for (k, v) in items {
        m.insert(k.to_string(), v);
    }
}

/// pull-request (`full`: the single-PR shape with merge/diff stats, as POST returns)
fn pr_json(shared: &Shared, st: &mut State, pr: &FakePullRequest, viewer: Option<&str>, full: bool) -> Value {
    let api = format!("{}/repos/{}", shared.api, pr.base_repo);
    let html = format!("{}/{}/pull/{}", shared.html, pr.base_repo, pr.number);
    let n = pr.number;
    let repo_of = |st: &mut State, full_name: &str| -> Value {
        match st.repo_by_full(full_name).cloned() {
            Some(r) => repo_json(shared, st, &r, viewer, false),
            None => Value::Null,
        }
    };
    let base_owner = pr.base_repo.split_once('/').map_or("", |(o, _)| o).to_string();
    let head_repo = repo_of(st, &pr.head_repo);
    let base_repo = repo_of(st, &pr.base_repo);
    let head_user = account_json(shared, st, &pr.head_owner);
    let base_user = account_json(shared, st, &base_owner);
    let author = account_json(shared, st, &pr.user);
    let head = json!({
        "label": pr.head_label(),
        "ref": pr.head_ref,
        "sha": pr.head_sha,
        "user": head_user,
        "repo": head_repo
    });
    let base = json!({
        "label": format!("{base_owner}:{}", pr.base_ref),
        "ref": pr.base_ref,
        "sha": pr.base_sha,
        "user": base_user,
        "repo": base_repo
    });
    let links = json!({
        "self": {"href": format!("{api}/pulls/{n}")},
        "html": {"href": html},
        "issue": {"href": format!("{api}/issues/{n}")},
        "comments": {"href": format!("{api}/issues/{n}/comments")},
        "review_comments": {"href": format!("{api}/pulls/{n}/comments")},
        "review_comment": {"href": format!("{api}/pulls/comments{{/number}}")},
        "commits": {"href": format!("{api}/pulls/{n}/commits")},
        "statuses": {"href": format!("{api}/statuses/{}", pr.head_sha)}
    });
    let mut v = json!({
        "url": format!("{api}/pulls/{n}"),
        "id": pr.id,
        "node_id": format!("PR_kwDO{}", pr.id),
        "html_url": html,
        "diff_url": format!("{html}.diff"),
        "patch_url": format!("{html}.patch"),
        "issue_url": format!("{api}/issues/{n}"),
        "commits_url": format!("{api}/pulls/{n}/commits"),
        "review_comments_url": format!("{api}/pulls/{n}/comments"),
        "review_comment_url": format!("{api}/pulls/comments{{/number}}"),
        "comments_url": format!("{api}/issues/{n}/comments"),
        "statuses_url": format!("{api}/statuses/{}", pr.head_sha),
        "number": n,
        "state": pr.state,
        "locked": false,
        "title": pr.title,
        "user": author,
        "body": pr.body,
        "labels": pr.labels.iter().enumerate().map(|(i, l)| json!({"id": 9000 + i, "name": l, "color": "ededed", "default": false})).collect::<Vec<_>>(),
        "milestone": null,
        "active_lock_reason": null,
        "created_at": FIXED_TIME,
        "updated_at": FIXED_TIME,
        "closed_at": if pr.state == "closed" { json!(FIXED_TIME) } else { Value::Null },
        "merged_at": if pr.merged { json!(FIXED_TIME) } else { Value::Null },
        "merge_commit_sha": null,
        "assignee": null,
        "assignees": [],
        "requested_reviewers": [],
        "requested_teams": [],
        "head": head,
        "base": base,
        "_links": links,
        "author_association": "CONTRIBUTOR",
        "auto_merge": null,
        "draft": pr.draft
    });
    if let Some(extras) = st.pr_extras.get(&pr.number) {
        let m = v.as_object_mut().expect("object");
        if let Some(t) = &extras.updated_at {
            m.insert("updated_at".into(), json!(t));
        }
        if extras.merged {
            m.insert("merged_at".into(), json!(FIXED_TIME));
        }
    }
    if full {
        let m = v.as_object_mut().expect("object");
        insert_all(
            m,
            [
                ("merged", json!(pr.merged)),
                ("mergeable", json!(pr.mergeable)),
                ("rebaseable", json!(pr.mergeable)),
                (
                    "mergeable_state",
                    json!(match pr.mergeable {
                        Some(true) => "clean",
                        Some(false) => "dirty",
                        None => "unknown",
                    }),
                ),
                ("merged_by", Value::Null),
                ("comments", json!(0)),
                ("review_comments", json!(0)),
                ("maintainer_can_modify", json!(pr.maintainer_can_modify)),
                ("commits", json!(1)),
                ("additions", json!(0)),
                ("deletions", json!(0)),
                ("changed_files", json!(0)),
            ],
        );
    }
    v
}

fn secondary_rate_limit(status: u16, retry_after: Option<u64>) -> CannedResponse {
    let mut r = CannedResponse::new(
        status,
        json!({
            "message": "You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out to GitHub Support for help, please include the request ID 0000:0000:0000000:0000000:00000000.",
            "documentation_url": "https://docs.github.com/free-pro-team@latest/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits",
            "status": status.to_string()
        }),
    );
    if let Some(secs) = retry_after {
        r = r.header("Retry-After", &secs.to_string());
    }
    r
}

// ---------------------------------------------------------------------------------------------
// Small helpers
// ---------------------------------------------------------------------------------------------

/// A stable 40-hex "sha" for a seed.
pub fn fake_sha(seed: &str) -> String {
    let mut out = String::with_capacity(40);
    let mut salt: u64 = 0;
    while out.len() < 40 {
        let mut h: u64 = 0xcbf2_9ce4_8422_2325 ^ salt;
        for b in seed.bytes() {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        out.push_str(&format!("{h:016x}"));
        salt += 1;
    }
    out.truncate(40);
    out
}

fn now_epoch() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

// ---------------------------------------------------------------------------------------------
// The certification bot (microsoft/PowerPlatformConnectors, 2025–2026)
// ---------------------------------------------------------------------------------------------

/// The certification bot's account.
pub const CERTIFICATION_BOT: &str = "certificationteam";

/// Its answer, in the wording it has used since mid-2025: a preamble, the signature, then
/// "Error(s) are:" and a numbered list.
pub fn bot_failure(errors: &[&str]) -> String {
    let mut body = String::from("We reviewed your submission and identified some changes that are needed before we can publish or update the connector.Kindly make the following changes and resubmit the request for certification.[You can refer here](https://learn.microsoft.com/en-us/connectors/custom-connectors/certification-policy-errors) to understand more about the error codes and how to fix them.\r\n\r\nMany Thanks,\r\nCopilot Connector Certification Team\r\n\r\nError(s) are:\r\n");
    for (i, e) in errors.iter().enumerate() {
        body.push_str(&format!("{}. {e}\r\n", i + 1));
    }
    body
}

/// Its answer in the 2025 wording: a header, then one error per paragraph, unnumbered.
pub fn bot_failure_2025(errors: &[&str]) -> String {
    let mut body = String::from("Certification Validations Failed. Please fix below issues");
    for e in errors {
        body.push_str("\n\n");
        body.push_str(e);
    }
    body
}

/// Success, in the current wording.
pub const BOT_SUCCESS: &str = "Congratulations \u{2014} your certification request has been approved. Your connector will be included in the upcoming deployment schedule for production release and the supporting documentation will be published. This end-to-end process typically takes 3\u{2013}4 weeks.\r\n\r\nMany Thanks,\r\nCopilot Connector Certification Team";

/// Success, in the 2025 wording.
pub const BOT_SUCCESS_2025: &str = "Certification completed. Deployment will begin soon!";
