//! `{{...}}` templates in scenario strings.
//!
//! Grammar: `{{ path [| filter:arg]... }}` where path is dot-separated
//! (`scopes.granted`, `behaviour.grace_period`, `grant.refresh_token`,
//! `grant.id_token.claims.sub`) and filters are `with:<scope>` and
//! `without:<scope>` (space-separated set operations on scope strings).

/// Output larger than this is refused (a template must not expand enormously).
pub const MAX_RENDERED: usize = 1 << 20;

#[derive(Debug, Clone, PartialEq)]
pub enum Part {
    Text(String),
    Expr {
        path: Vec<String>,
        filters: Vec<Filter>,
        source: String,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub enum Filter {
    With(String),
    Without(String),
    /// A duration (`1h`) as whole seconds (`3600`).
    Seconds,
}

/// Why a template could not be rendered at run time.
#[derive(Debug, Clone, PartialEq)]
pub enum Unresolved {
    /// The target does not state something the scenario needs: the trial is skipped.
    Skip(String),
    /// Something the scenario relied on is missing: the trial is an error.
    Error(String),
}

/// Parse a template string into parts, or say what is wrong with it.
pub fn parse(text: &str) -> Result<Vec<Part>, String> {
    let mut parts = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("{{") {
        if start > 0 {
            parts.push(Part::Text(rest[..start].to_string()));
        }
        let after = &rest[start + 2..];
        let end = after
            .find("}}")
            .ok_or_else(|| format!("unclosed `{{{{` in \"{}\"", excerpt(text)))?;
        let inner = &after[..end];
        if inner.contains("{{") {
            return Err(format!("nested `{{{{` in \"{}\"", excerpt(text)));
        }
        parts.push(parse_expr(inner)?);
        rest = &after[end + 2..];
    }
    if rest.contains("}}") {
        return Err(format!("`}}}}` without `{{{{` in \"{}\"", excerpt(text)));
    }
    if !rest.is_empty() {
        parts.push(Part::Text(rest.to_string()));
    }
    Ok(parts)
}

fn excerpt(s: &str) -> String {
    s.chars().take(80).collect()
}

fn parse_expr(inner: &str) -> Result<Part, String> {
    let mut pieces = inner.split('|');
    let path_text = pieces.next().unwrap_or("").trim();
    if path_text.is_empty() {
        return Err("empty `{{ }}`".into());
    }
    let path: Vec<String> = path_text.split('.').map(|s| s.trim().to_string()).collect();
    if path.iter().any(|p| {
        p.is_empty()
            || !p
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    }) {
        return Err(format!(
            "`{{{{{inner}}}}}`: a path is dot-separated names (letters, digits, _ and -)"
        ));
    }
    let mut filters = Vec::new();
    for f in pieces {
        let f = f.trim();
        if f == "seconds" {
            filters.push(Filter::Seconds);
            continue;
        }
        let (name, arg) = f
            .split_once(':')
            .map(|(a, b)| (a.trim(), b.trim()))
            .unwrap_or((f, ""));
        if arg.is_empty() {
            return Err(format!(
                "`{{{{{inner}}}}}`: filter `{name}` needs an argument (`with:email`)"
            ));
        }
        filters.push(match name {
            "with" => Filter::With(arg.to_string()),
            "without" => Filter::Without(arg.to_string()),
            other => {
                return Err(format!(
                    "`{{{{{inner}}}}}`: unknown filter `{other}` (known: with, without, seconds)"
                ))
            }
        });
    }
    Ok(Part::Expr {
        path,
        filters,
        source: format!("{{{{{inner}}}}}"),
    })
}

/// Every expression path in a template (for static validation).
pub(crate) fn references(text: &str) -> Result<Vec<Vec<String>>, String> {
    Ok(parse(text)?
        .into_iter()
        .filter_map(|p| match p {
            Part::Expr { path, .. } => Some(path),
            Part::Text(_) => None,
        })
        .collect())
}

/// Render with `lookup` resolving each path.
pub fn render(
    text: &str,
    lookup: &mut dyn FnMut(&[String]) -> Result<String, Unresolved>,
) -> Result<String, Unresolved> {
    if !text.contains("{{") {
        return Ok(text.to_string());
    }
    let parts = parse(text).map_err(Unresolved::Error)?;
    let mut out = String::new();
    for part in parts {
        match part {
            Part::Text(t) => out.push_str(&t),
            Part::Expr { path, filters, .. } => {
                let mut value = lookup(&path)?;
                for f in &filters {
                    value = apply(f, &value).map_err(Unresolved::Error)?;
                }
                out.push_str(&value);
            }
        }
        if out.len() > MAX_RENDERED {
            return Err(Unresolved::Error(format!(
                "template expands beyond {} bytes: \"{}\"",
                MAX_RENDERED,
                excerpt(text)
            )));
        }
    }
    Ok(out)
}

fn apply(filter: &Filter, value: &str) -> Result<String, String> {
    let mut set: Vec<&str> = value.split_whitespace().collect();
    match filter {
        Filter::Seconds => {
            return humantime::parse_duration(value.trim())
                .map(|d| d.as_secs().to_string())
                .map_err(|e| format!("`| seconds` needs a duration, not `{value}`: {e}"))
        }
        Filter::With(s) => {
            for item in s.split_whitespace() {
                if !set.contains(&item) {
                    set.push(item);
                }
            }
        }
        Filter::Without(s) => {
            let drop: Vec<&str> = s.split_whitespace().collect();
            set.retain(|x| !drop.contains(x));
        }
    }
    Ok(set.join(" "))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx(path: &[String]) -> Result<String, Unresolved> {
        match path.join(".").as_str() {
            "scopes.granted" => Ok("openid offline_access read".into()),
            "grant.refresh_token" => Ok("RT1".into()),
            "behaviour.grace_period" => Err(Unresolved::Skip("unknown grace".into())),
            other => Err(Unresolved::Error(format!("no {other}"))),
        }
    }

    #[test]
    fn renders_paths_and_filters() {
        let out = render("a {{grant.refresh_token}} b", &mut ctx).unwrap();
        assert_eq!(out, "a RT1 b");
        let out = render(
            "{{ scopes.granted | without:offline_access | with:email }}",
            &mut ctx,
        )
        .unwrap();
        assert_eq!(out, "openid read email");
        let mut d = |_: &[String]| Ok("1h".to_string());
        assert_eq!(render("{{x | seconds}}", &mut d).unwrap(), "3600");
        let mut bad = |_: &[String]| Ok("soon".to_string());
        assert!(render("{{x | seconds}}", &mut bad).is_err());
    }

    #[test]
    fn reports_unknowns_and_syntax() {
        assert_eq!(
            render("{{behaviour.grace_period}}", &mut ctx),
            Err(Unresolved::Skip("unknown grace".into()))
        );
        assert!(parse("{{ unclosed").is_err());
        assert!(parse("x }} y").is_err());
        assert!(parse("{{}}").is_err());
        assert!(parse("{{a | upper:x}}").is_err());
        assert!(parse("{{a | with}}").is_err());
        assert!(parse("{{a b}}").is_err());
        assert_eq!(
            references("{{a.b}} {{c}}").unwrap(),
            vec![vec!["a".to_string(), "b".into()], vec!["c".into()]]
        );
    }

    #[test]
    fn refuses_enormous_expansion() {
        let mut big = |_: &[String]| Ok("x".repeat(MAX_RENDERED / 2 + 1));
        assert!(matches!(
            render("{{a}}{{a}}", &mut big),
            Err(Unresolved::Error(_))
        ));
    }
}
