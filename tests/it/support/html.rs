//! Reading pages the way a person does: by what is shown, not by markup details.

use scraper::{ElementRef, Html, Selector};

pub fn csrf_token(page: &str) -> Option<String> {
    let doc = Html::parse_document(page);
    let meta = Selector::parse("meta[name=csrf-token]").ok()?;
    let input = Selector::parse("input[name=csrf_token]").ok()?;
    doc.select(&meta)
        .next()
        .and_then(|e| e.value().attr("content"))
        .or_else(|| {
            doc.select(&input)
                .next()
                .and_then(|e| e.value().attr("value"))
        })
        .map(str::to_owned)
}

/// The text of every element matching `selector`, whitespace collapsed.
pub fn texts(page: &str, selector: &str) -> Vec<String> {
    let doc = Html::parse_document(page);
    let selector = Selector::parse(selector).expect("valid selector");
    doc.select(&selector)
        .map(|e| {
            e.text()
                .collect::<Vec<_>>()
                .join(" ")
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect()
}

pub fn text(page: &str, selector: &str) -> String {
    texts(page, selector).into_iter().next().unwrap_or_default()
}

/// The value attribute of the input named `name`.
pub fn input_value(page: &str, name: &str) -> Option<String> {
    let doc = Html::parse_document(page);
    let selector = Selector::parse(&format!("[name=\"{name}\"]")).ok()?;
    doc.select(&selector)
        .next()
        .and_then(|e| e.value().attr("value"))
        .map(str::to_owned)
}

/// The error shown next to the field named `name`, if any.
pub fn field_error(page: &str, name: &str) -> Option<String> {
    let found = text(page, &format!("#f-{name}-error"));
    (!found.is_empty()).then_some(found)
}

/// The value of the field `name` inside the form posting to `action`.
pub fn form_value(page: &str, action: &str, name: &str) -> Option<String> {
    let doc = Html::parse_document(page);
    let selector = Selector::parse(&format!("form[action=\"{action}\"] [name=\"{name}\"]")).ok()?;
    doc.select(&selector)
        .next()
        .and_then(|e| e.value().attr("value"))
        .map(str::to_owned)
}

pub fn lang(page: &str) -> String {
    let doc = Html::parse_document(page);
    let selector = Selector::parse("html").expect("selector");
    doc.select(&selector)
        .next()
        .and_then(|e| e.value().attr("lang"))
        .unwrap_or_default()
        .to_owned()
}

/// The fields the form posting to `action` sends as a browser would send
/// them: inputs with their value (checked ones only for radios and boxes),
/// the chosen option of each list, the text of each text area. Submit
/// buttons send nothing unless pressed.
pub fn form_fields(page: &str, action: &str) -> Vec<(String, String)> {
    let doc = Html::parse_document(page);
    let form = Selector::parse(&format!("form[action=\"{action}\"]")).expect("selector");
    let controls = Selector::parse("input, select, textarea").expect("selector");
    let options = Selector::parse("option").expect("selector");
    let Some(form) = doc.select(&form).next() else {
        return Vec::new();
    };
    let mut fields = Vec::new();
    for control in form.select(&controls) {
        let el = control.value();
        let Some(name) = el.attr("name") else {
            continue;
        };
        let value = match el.name() {
            "select" => {
                let all: Vec<ElementRef> = control.select(&options).collect();
                all.iter()
                    .find(|o| o.value().attr("selected").is_some())
                    .or(all.first())
                    .and_then(|o| o.value().attr("value"))
                    .unwrap_or_default()
                    .to_owned()
            }
            "textarea" => control.text().collect::<String>(),
            _ => match el.attr("type").unwrap_or("text") {
                "submit" | "button" => continue,
                "radio" | "checkbox" if el.attr("checked").is_none() => continue,
                _ => el.attr("value").unwrap_or_default().to_owned(),
            },
        };
        fields.push((name.to_owned(), value));
    }
    fields
}
