//! The page's one stylesheet, inline. Everything wraps inside its box
//! (`overflow-wrap: anywhere`, `white-space: pre-wrap` for exchanges), and
//! the tables have a fixed layout, so six targets fit a 1400 px window.

/// What the page may load: nothing. No script runs, no host is contacted;
/// styles are inline.
pub(super) const CSP: &str = "default-src 'none'; style-src 'unsafe-inline'; script-src 'none'; base-uri 'none'; form-action 'none'";

pub(super) const CSS: &str = r#"
:root { color-scheme: light; --pass:#1a7f37; --pass-bg:#dafbe1; --fail:#b3261e; --fail-bg:#ffebe9;
  --warn:#8a5a00; --warn-bg:#fff4cc; --skip:#57606a; --skip-bg:#f0f2f4; --error:#6e2fb0; --error-bg:#f1e6ff;
  --line:#d0d7de; --muted:#57606a; --mono: ui-monospace, SFMono-Regular, Menlo, Consolas, "DejaVu Sans Mono", monospace; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; margin: 20px 24px; color: #1f2328; background: #fff; overflow-wrap: anywhere; }
h1 { font-size: 20px; margin: 0 0 10px; }
h2 { font-size: 18px; margin: 24px 0 10px; }
h3 { font-size: 15px; margin: 0 0 4px; }
code, pre, .name, .id, .ref { font-family: var(--mono); }
.meta { color: var(--muted); margin: 8px 0 0; font-size: 13px; }
.meta code { background: #f6f8fa; padding: 1px 4px; border-radius: 4px; font-size: 12px; }

.verdict { color: #fff; border-radius: 8px; padding: 12px 18px; }
.verdict p { margin: 0; }
.verdict .word { font-size: 26px; font-weight: 700; text-transform: uppercase; letter-spacing: .04em; }
.verdict .counts { font-size: 17px; font-weight: 600; }
.verdict .scope { font-size: 13px; opacity: .92; }
.verdict a { color: #fff; }
.verdict.failed { background: var(--fail); } .verdict.errors { background: var(--error); }
.verdict.passed { background: var(--pass); } .verdict.none { background: var(--skip); }

table { border-collapse: collapse; table-layout: fixed; width: 100%; }
th, td { border: 1px solid var(--line); padding: 6px 8px; vertical-align: top; text-align: left; }
thead th { background: #f6f8fa; position: sticky; top: 0; z-index: 1; }
col.scenario { width: 24%; } col.trial { width: 30%; } col.key { width: 18%; }
tr.area th { background: #eaeef2; font-size: 15px; }
td.scenario .id { font-size: 13px; }
td.scenario .title { color: var(--muted); }
.level { font-size: 11px; text-transform: uppercase; color: var(--muted); font-weight: 600; }
.ref { font-size: 12px; margin-right: 4px; }
a.ref { color: #0969da; }
.badge { display: inline-block; font-weight: 700; font-size: 12px; padding: 1px 8px; border-radius: 10px; letter-spacing: .03em; color: #fff; background: var(--skip); }
.kind { font-size: 12px; }
.pass .badge, .badge.pass { background: var(--pass); } .fail .badge, .badge.fail { background: var(--fail); }
.warn .badge, .badge.warn { background: var(--warn); } .skip .badge, .badge.skip { background: var(--skip); }
.error .badge, .badge.error { background: var(--error); }
td.pass { background: var(--pass-bg); } td.fail { background: var(--fail-bg); } td.warn { background: var(--warn-bg); }
td.skip { background: var(--skip-bg); } td.error { background: var(--error-bg); }
td.not-run { background: var(--skip-bg); }
table.claims { margin: 4px 0 8px; font-size: 12px; } table.claims th { text-align: left; padding-right: 8px; }
table.claims td { overflow-wrap: anywhere; }
.fail .kind { color: var(--fail); }
td.none { color: #8c959f; text-align: center; }
a.goto { font-size: 12px; color: #0969da; }
td details { margin-top: 2px; font-size: 12px; color: var(--muted); }
td details p { margin: 2px 0 0; }
summary { cursor: pointer; }
tfoot th, tfoot td { background: #f6f8fa; font-size: 12px; }
.totals span { white-space: nowrap; }
.t-pass { color: var(--pass); } .t-fail { color: var(--fail); } .t-warn { color: var(--warn); } .t-skip { color: var(--skip); } .t-error { color: var(--error); }
.legend { margin: 0 0 10px; font-size: 13px; color: var(--muted); }

.item { border: 1px solid var(--line); border-left: 6px solid var(--skip); border-radius: 6px; padding: 10px 14px; margin: 0 0 12px; }
.item.fail { border-left-color: var(--fail); } .item.error { border-left-color: var(--error); } .item.warn { border-left-color: var(--warn); }
.item .name { font-size: 14px; }
.item p { margin: 4px 0; }
.item .about { color: var(--muted); }
.item .message { font-weight: 600; }
ul.findings { margin: 4px 0; padding-left: 20px; font-size: 13px; }
.exchange { margin-top: 8px; }
.exchange .ex-head { font-size: 12px; color: var(--muted); margin: 0 0 2px; }
pre { white-space: pre-wrap; overflow-wrap: anywhere; max-height: 32em; overflow: auto; margin: 0; background: #f6f8fa; border: 1px solid var(--line); border-radius: 4px; padding: 8px; font-size: 12px; line-height: 1.4; }
.tok { background: #ddf4ff; color: #0a3069; border-radius: 3px; padding: 0 2px; }
table.drift td { font-family: var(--mono); font-size: 12px; }
"#;
