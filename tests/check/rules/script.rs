//! Cases for custom code (script.csx, write-code.md) and the policy templates of apiProperties.json.

use super::*;

/// A script as write-code.md writes one: `Script : ScriptBase` with `ExecuteAsync`, sending the
/// request on with `this.Context.SendAsync`; `extra` goes inside the class.
fn script_with(usings: &str, extra: &str) -> Vec<u8> {
    format!(
        "{usings}
public class Script : ScriptBase
{{
    public override async Task<HttpResponseMessage> ExecuteAsync()
    {{
        var response = await this.Context.SendAsync(this.Context.Request, this.CancellationToken).ConfigureAwait(false);
        return response;
    }}
{extra}
}}
"
    )
    .into_bytes()
}

fn script(f: &mut Fixture, usings: &str, extra: &str) {
    f.raw.push(("script.csx".into(), script_with(usings, extra)));
}

/// A valid script padded with a comment to exactly `size` bytes.
fn script_of_size(size: usize) -> Vec<u8> {
    let mut bytes = script_with("using System;", "");
    bytes.extend_from_slice(b"//");
    bytes.resize(size - 1, b'x');
    bytes.push(b'\n');
    assert_eq!(bytes.len(), size);
    bytes
}

/// One MB as write-code.md counts it for the rule: 1,048,576 bytes.
const ONE_MB: usize = 1024 * 1024;

/// Comments, strings (regular, verbatim, interpolated, raw) and character literals that mention
/// unsupported namespaces and `new HttpClient` without using them.
const MENTIONS: &str = r####"
    // using System.Reflection; new HttpClient() would be blocked
    /* System.Data.SqlClient.SqlConnection */
    private string A() => "using System.Net.Sockets; System.Reflection.Assembly";
    private string B() => @"C:\System.Reflection"" new HttpClient()";
    private string C(string name) => $"{name}: System.Text.Json.JsonSerializer {{System.Runtime}}";
    private string D(int n) => $@"{n:yyyy} ""System.Globalization""";
    private string E() => """System.Reflection "quoted" new HttpClient()""";
    private char F() => '"';
    private string G() => "after the char: System.Reflection";
#region System.Reflection helpers
#endregion
"####;

pub(super) fn cases() -> Vec<Case> {
    vec![
        // A `using` line, and its near miss: the namespaces the page lists.
        Case {
            rule: "script-namespace",
            category: U,
            fails: |f| script(f, "using System;\nusing System.Reflection;", ""),
            passes: |f| {
                script(
                    f,
                    "using System;\nusing System.Net.Http.Headers;\nusing Newtonsoft.Json.Linq;\nusing Microsoft.Extensions.Logging;",
                    "",
                )
            },
        },
        // A type by its full name, without a `using` line; near miss: full names in supported
        // namespaces.
        Case {
            rule: "script-namespace",
            category: U,
            fails: |f| {
                script(
                    f,
                    "",
                    "    private string Name() => System.Reflection.Assembly.GetExecutingAssembly().FullName;",
                )
            },
            passes: |f| {
                script(
                    f,
                    "",
                    "    private byte[] Bytes(string s) => System.Text.Encoding.UTF8.GetBytes(System.Web.HttpUtility.UrlEncode(s));",
                )
            },
        },
        // An alias; near miss: an alias of a type in a supported namespace.
        Case {
            rule: "script-namespace",
            category: U,
            fails: |f| script(f, "using Json = System.Text.Json.JsonSerializer;", ""),
            passes: |f| script(f, "using Rx = System.Text.RegularExpressions.Regex;", ""),
        },
        // Comments and strings that merely mention a namespace are near misses.
        Case {
            rule: "script-namespace",
            category: U,
            fails: |f| {
                script(
                    f,
                    "",
                    &format!("{MENTIONS}    private object H() => System.Reflection.Assembly.GetCallingAssembly();"),
                )
            },
            passes: |f| script(f, "", MENTIONS),
        },
        Case {
            rule: "script-class",
            category: U,
            fails: |f| {
                let text = String::from_utf8(script_with("", ""))
                    .unwrap()
                    .replace("class Script", "class Handler");
                f.raw.push(("script.csx".into(), text.into_bytes()));
            },
            passes: |f| script(f, "// class Handler : ScriptBase", ""),
        },
        Case {
            rule: "script-class",
            category: U,
            fails: |f| {
                let text = String::from_utf8(script_with("", ""))
                    .unwrap()
                    .replace("ExecuteAsync()", "RunAsync()");
                f.raw.push(("script.csx".into(), text.into_bytes()));
            },
            passes: |f| script(f, "", "    private Task<HttpResponseMessage> Again() => this.ExecuteAsync();"),
        },
        // A file of exactly 1 MB passes; one byte more does not.
        Case {
            rule: "script-size",
            category: U,
            fails: |f| f.raw.push(("script.csx".into(), script_of_size(ONE_MB + 1))),
            passes: |f| f.raw.push(("script.csx".into(), script_of_size(ONE_MB))),
        },
        Case {
            rule: "script-multiple",
            category: U,
            fails: |f| {
                script(f, "", "");
                f.raw.push(("helpers.csx".into(), script_with("", "")));
            },
            passes: |f| {
                script(f, "", "");
                f.raw.push(("helpers.cs.txt".into(), script_with("", "")));
            },
        },
        Case {
            rule: "script-http-client",
            category: U,
            fails: |f| {
                script(
                    f,
                    "",
                    "    private async Task<string> Get(Uri u) { using (var client = new HttpClient()) { return await client.GetStringAsync(u); } }",
                )
            },
            passes: |f| script(f, "", MENTIONS),
        },
        Case {
            rule: "script-operations",
            category: U,
            fails: |f| {
                script(f, "", "");
                f.properties["properties"]["scriptOperations"] = json!(["GetBrewery", "getbrewery"]);
            },
            passes: |f| {
                script(f, "", "");
                f.properties["properties"]["scriptOperations"] = json!(["GetBrewery", "SearchBreweries"]);
            },
        },
        // Policy templates.
        Case {
            rule: "policy-template-unknown",
            category: U,
            fails: |f| {
                f.properties["properties"]["policyTemplateInstances"] = json!([
                    {"templateId": "setheaders", "title": "Key", "parameters": {"x-ms-apimTemplateParameter.name": "k", "x-ms-apimTemplateParameter.value": "v"}}
                ])
            },
            passes: |f| {
                f.properties["properties"]["policyTemplateInstances"] = json!([
                    {"templateId": "SetHeader", "title": "Key", "parameters": {"x-ms-apimTemplateParameter.name": "k", "x-ms-apimTemplateParameter.value": "v"}},
                    {"templateId": "setconnectionstatustounauthenticated", "title": "401", "parameters": {}},
                    {"templateId": "moveproperties", "title": "Move", "parameters": {}},
                    {"templateId": "dynamicsubdomain", "title": "Sub", "parameters": {}}
                ])
            },
        },
        Case {
            rule: "policy-template-parameter",
            category: U,
            fails: |f| {
                f.properties["properties"]["policyTemplateInstances"] = json!([
                    {"templateId": "setheader", "title": "Key", "parameters": {"x-ms-apimTemplateParameter.name": "k"}}
                ])
            },
            passes: |f| {
                f.properties["properties"]["policyTemplateInstances"] = json!([
                    {"templateId": "SetHeader", "title": "Key", "parameters": {"x-ms-apimTemplateParameter.name": "k", "x-ms-apimTemplateParameter.value": "v"}}
                ])
            },
        },
    ]
}

/// A script that mentions everything in comments and strings, with `scriptOperations`, fires no
/// rule at all: not the script rules, and not the schema's warning about `scriptOperations`, which
/// the repository's schema does not know though 44 merged connectors carry it.
#[test]
fn a_clean_script_with_its_operations_fires_nothing() {
    let fixture = clean().with(|f| {
        script(f, "using System;\nusing System.Linq;", MENTIONS);
        f.properties["properties"]["scriptOperations"] = json!(["GetBrewery"]);
        f.properties["properties"]["policyTemplateInstances"] = json!([
            {"templateId": "setHeader", "title": "Key", "parameters": {"x-ms-apimTemplateParameter.name": "k", "x-ms-apimTemplateParameter.value": "v"}},
            {"templateId": "moveproperties", "title": "Move", "parameters": {"x-ms-apimTemplateParameter.somethingNew": "x"}}
        ]);
    });
    assert_eq!(fixture.fired(I), BTreeSet::new());
}

/// Findings in script.csx point at the line and column of the code.
#[test]
fn script_findings_have_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    clean()
        .with(|f| script(f, "using System;\n  using System.Data;", ""))
        .write(dir.path());
    let report = validate(dir.path(), Some(U)).unwrap().report;
    let found: Vec<_> = report.findings.iter().filter(|f| f.rule == "script-namespace").collect();
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].file, "script.csx");
    assert_eq!(found[0].position.map(|p| (p.line, p.column)), Some((2, 3)));
    assert_eq!(found[0].severity, Severity::Error);
    assert!(found[0].message.contains("`using System.Data;`"), "{}", found[0].message);
}
