//! Messages that take a number must read right for 0, 1, 2 and many in
//! every language. Fluent picks a variant by the language's plural rule,
//! and Portuguese counts 0 as "one": a message whose `[one]` variant says
//! "1 caso" tells of one case when there were none, unless a `[0]`
//! variant comes first.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use super::Lang;

const COUNTS: [i64; 4] = [0, 1, 2, 1000];

/// Arguments that are numbers. Every argument of the catalogues is either
/// here or in `TEXT_ARGS`, so a new one has to be placed.
const NUMBER_ARGS: [&str; 14] = [
    "count",
    "unmatched",
    "minutes",
    "hours",
    "index",
    "line",
    "number",
    "group",
    "rule",
    "warn",
    "from",
    "to",
    "total",
    "remaining",
];
const TEXT_ARGS: [&str; 17] = [
    "name",
    "queue",
    "case",
    "cases",
    "status",
    "file",
    "text",
    "field",
    "slas",
    "time",
    "allocation",
    "channel",
    "customer",
    "entitlement",
    "others",
    "primary",
    "state",
];

/// What each message with a plural selector reads for 0, 1, 2 and 1000.
fn expected() -> BTreeMap<(&'static str, &'static str), [&'static str; 4]> {
    let mut table = BTreeMap::new();
    let pt_throttled = "Muitas tentativas sem sucesso para esta conta. Tente de novo em";
    table.insert(
        ("pt-BR", "sign-in-throttled"),
        [
            "menos de um minuto.",
            "1 minuto.",
            "2 minutos.",
            "1000 minutos.",
        ]
        .map(|end| leak(format!("{pt_throttled} {end}"))),
    );
    let en_throttled = "Too many failed attempts for this account. Try again in";
    table.insert(
        ("en", "sign-in-throttled"),
        [
            "less than a minute.",
            "1 minute.",
            "2 minutes.",
            "1000 minutes.",
        ]
        .map(|end| leak(format!("{en_throttled} {end}"))),
    );
    let gl_throttled = "Demasiados intentos sen éxito para esta conta. Téntao de novo en";
    table.insert(
        ("gl", "sign-in-throttled"),
        [
            "menos dun minuto.",
            "1 minuto.",
            "2 minutos.",
            "1000 minutos.",
        ]
        .map(|end| leak(format!("{gl_throttled} {end}"))),
    );
    table.insert(
        ("pt-BR", "import-done"),
        [
            "Nenhum cliente importado.",
            "1 cliente importado.",
            "2 clientes importados.",
            "1000 clientes importados.",
        ],
    );
    table.insert(
        ("en", "import-done"),
        [
            "No customers imported.",
            "1 customer imported.",
            "2 customers imported.",
            "1000 customers imported.",
        ],
    );
    table.insert(
        ("gl", "import-done"),
        [
            "Ningún cliente importado.",
            "1 cliente importado.",
            "2 clientes importados.",
            "1000 clientes importados.",
        ],
    );
    table.insert(
        ("pt-BR", "assign-done"),
        [
            "Nenhum caso atribuído: os casos escolhidos já eram deste proprietário ou não estão mais ativos.",
            "1 caso atribuído.",
            "2 casos atribuídos.",
            "1000 casos atribuídos.",
        ],
    );
    table.insert(
        ("en", "assign-done"),
        [
            "No cases assigned: the chosen cases already had this owner or are no longer active.",
            "1 case assigned.",
            "2 cases assigned.",
            "1000 cases assigned.",
        ],
    );
    table.insert(
        ("gl", "assign-done"),
        [
            "Ningún caso asignado: os casos escollidos xa eran deste propietario ou xa non están activos.",
            "1 caso asignado.",
            "2 casos asignados.",
            "1000 casos asignados.",
        ],
    );
    table.insert(
        ("pt-BR", "routing-flagged"),
        [
            "nenhuma regra com destino inativo",
            "1 regra com destino inativo",
            "2 regras com destino inativo",
            "1000 regras com destino inativo",
        ],
    );
    table.insert(
        ("gl", "routing-flagged"),
        [
            "ningunha regra con destino inactivo",
            "1 regra con destino inactivo",
            "2 regras con destino inactivo",
            "1000 regras con destino inactivo",
        ],
    );
    table.insert(
        ("en", "routing-flagged"),
        [
            "no rule with an inactive target",
            "1 rule with an inactive target",
            "2 rules with an inactive target",
            "1000 rules with an inactive target",
        ],
    );
    table.insert(
        ("pt-BR", "routing-routed-many"),
        [
            "Nenhum caso encaminhado (0 sem regra que se aplicasse).",
            "1 caso encaminhado (1 sem regra que se aplicasse).",
            "2 casos encaminhados (2 sem regra que se aplicasse).",
            "1000 casos encaminhados (1000 sem regra que se aplicasse).",
        ],
    );
    table.insert(
        ("gl", "routing-routed-many"),
        [
            "Ningún caso encamiñado (0 sen regra que se aplicase).",
            "1 caso encamiñado (1 sen regra que se aplicase).",
            "2 casos encamiñados (2 sen regra que se aplicase).",
            "1000 casos encamiñados (1000 sen regra que se aplicase).",
        ],
    );
    table.insert(
        ("en", "routing-routed-many"),
        [
            "No cases routed (0 with no rule that applied).",
            "1 case routed (1 with no rule that applied).",
            "2 cases routed (2 with no rule that applied).",
            "1000 cases routed (1000 with no rule that applied).",
        ],
    );
    table.insert(
        ("pt-BR", "queue-added-many"),
        [
            "Nenhum caso adicionado à fila X: os casos escolhidos já estavam nela, fechados ou fora do seu alcance.",
            "1 caso adicionado à fila X.",
            "2 casos adicionados à fila X.",
            "1000 casos adicionados à fila X.",
        ],
    );
    table.insert(
        ("en", "queue-added-many"),
        [
            "No cases added to queue X: the chosen cases were in it already, closed or out of your reach.",
            "1 case added to queue X.",
            "2 cases added to queue X.",
            "1000 cases added to queue X.",
        ],
    );
    table.insert(
        ("gl", "queue-added-many"),
        [
            "Ningún caso engadido á fila X: os casos escollidos xa estaban nela, pechados ou fóra do seu alcance.",
            "1 caso engadido á fila X.",
            "2 casos engadidos á fila X.",
            "1000 casos engadidos á fila X.",
        ],
    );
    table.insert(
        ("pt-BR", "notification-sla-more"),
        ["nenhum aviso", "1 aviso", "2 avisos", "1000 avisos"],
    );
    table.insert(
        ("en", "notification-sla-more"),
        ["no alerts", "1 alert", "2 alerts", "1000 alerts"],
    );
    table.insert(
        ("gl", "notification-sla-more"),
        ["ningún aviso", "1 aviso", "2 avisos", "1000 avisos"],
    );
    // Confirmation pages: what deactivating a customer, cancelling an
    // entitlement or merging cases will do, by how many cases it touches
    // (a merge always takes at least one; the terms' messages choose by
    // the entitlement's kind, not by a number).
    table.insert(
        ("pt-BR", "customer-deactivate-confirm-open-cases"),
        [
            "Não tem casos ativos.",
            "O caso ativo dele continua aberto e pode ser trabalhado normalmente.",
            "Os 2 casos ativos dele continuam abertos e podem ser trabalhados normalmente.",
            "Os 1000 casos ativos dele continuam abertos e podem ser trabalhados normalmente.",
        ],
    );
    table.insert(
        ("pt-BR", "entitlement-cancel-confirm-cases"),
        [
            "Nenhum caso ativo usa este direito.",
            "O caso ativo que usa este direito continua ligado a ele.",
            "Os 2 casos ativos que usam este direito continuam ligados a ele.",
            "Os 1000 casos ativos que usam este direito continuam ligados a ele.",
        ],
    );
    table.insert(
        ("pt-BR", "entitlement-cancel-confirm-channel"),
        [
            "X: restam 0 de 0",
            "X: restam 1 de 1",
            "X: restam 2 de 2",
            "X: restam 1000 de 1000",
        ],
    );
    table.insert(
        ("pt-BR", "entitlement-cancel-confirm-terms"),
        [
            "Os termos que restam (0 de 0) não poderão mais ser usados.",
            "Os termos que restam (1 de 1) não poderão mais ser usados.",
            "Os termos que restam (2 de 2) não poderão mais ser usados.",
            "Os termos que restam (1000 de 1000) não poderão mais ser usados.",
        ],
    );
    table.insert(
        ("pt-BR", "merge-confirm-lead"),
        [
            "X será mesclado em X, que continua.",
            "X será mesclado em X, que continua.",
            "X serão mesclados em X, que continua.",
            "X serão mesclados em X, que continua.",
        ],
    );
    table.insert(
        ("pt-BR", "merge-confirm-state"),
        [
            "X passa a X · X e aponta para X.",
            "X passa a X · X e aponta para X.",
            "X passam a X · X e apontam para X.",
            "X passam a X · X e apontam para X.",
        ],
    );
    table.insert(
        ("en", "customer-deactivate-confirm-open-cases"),
        [
            "It has no active cases.",
            "Its active case stays open and can be worked as usual.",
            "All 2 of its active cases stay open and can be worked as usual.",
            "All 1000 of its active cases stay open and can be worked as usual.",
        ],
    );
    table.insert(
        ("en", "entitlement-cancel-confirm-cases"),
        [
            "No active case draws on this entitlement.",
            "The active case that draws on it stays linked to it.",
            "All 2 of the active cases that draw on it stay linked to it.",
            "All 1000 of the active cases that draw on it stay linked to it.",
        ],
    );
    table.insert(
        ("en", "entitlement-cancel-confirm-channel"),
        [
            "X: 0/0 left",
            "X: 1/1 left",
            "X: 2/2 left",
            "X: 1000/1000 left",
        ],
    );
    table.insert(
        ("en", "entitlement-cancel-confirm-terms"),
        [
            "The terms left (0 of 0) can no longer be used.",
            "The terms left (1 of 1) can no longer be used.",
            "The terms left (2 of 2) can no longer be used.",
            "The terms left (1000 of 1000) can no longer be used.",
        ],
    );
    table.insert(
        ("en", "merge-confirm-lead"),
        [
            "X will be merged into X, which stays.",
            "X will be merged into X, which stays.",
            "X will be merged into X, which stays.",
            "X will be merged into X, which stays.",
        ],
    );
    table.insert(
        ("en", "merge-confirm-state"),
        [
            "X become X · X and point to X.",
            "X becomes X · X and points to X.",
            "X become X · X and point to X.",
            "X become X · X and point to X.",
        ],
    );
    table.insert(
        ("gl", "customer-deactivate-confirm-open-cases"),
        [
            "Non ten casos activos.",
            "O seu caso activo segue aberto e pódese traballar con normalidade.",
            "Os seus 2 casos activos seguen abertos e pódense traballar con normalidade.",
            "Os seus 1000 casos activos seguen abertos e pódense traballar con normalidade.",
        ],
    );
    table.insert(
        ("gl", "entitlement-cancel-confirm-cases"),
        [
            "Ningún caso activo usa este dereito.",
            "O caso activo que usa este dereito segue ligado a el.",
            "Os 2 casos activos que usan este dereito seguen ligados a el.",
            "Os 1000 casos activos que usan este dereito seguen ligados a el.",
        ],
    );
    table.insert(
        ("gl", "entitlement-cancel-confirm-channel"),
        [
            "X: quedan 0 de 0",
            "X: quedan 1 de 1",
            "X: quedan 2 de 2",
            "X: quedan 1000 de 1000",
        ],
    );
    table.insert(
        ("gl", "entitlement-cancel-confirm-terms"),
        [
            "Os termos que quedan (0 de 0) xa non se poderán usar.",
            "Os termos que quedan (1 de 1) xa non se poderán usar.",
            "Os termos que quedan (2 de 2) xa non se poderán usar.",
            "Os termos que quedan (1000 de 1000) xa non se poderán usar.",
        ],
    );
    table.insert(
        ("gl", "merge-confirm-lead"),
        [
            "X combinaranse en X, que continúa.",
            "X combinarase en X, que continúa.",
            "X combinaranse en X, que continúa.",
            "X combinaranse en X, que continúa.",
        ],
    );
    table.insert(
        ("gl", "merge-confirm-state"),
        [
            "X pasan a X · X e apuntan a X.",
            "X pasa a X · X e apunta a X.",
            "X pasan a X · X e apuntan a X.",
            "X pasan a X · X e apuntan a X.",
        ],
    );
    table
}

fn leak(text: String) -> &'static str {
    Box::leak(text.into_boxed_str())
}

/// Each message of a language with the arguments it reads, and whether
/// it chooses a variant by one of them.
struct Message {
    args: BTreeSet<String>,
    selects: bool,
}

fn messages(lang: &str) -> BTreeMap<String, Message> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("locales")
        .join(lang);
    let mut all = BTreeMap::new();
    for entry in std::fs::read_dir(dir).expect("locale dir") {
        let text = std::fs::read_to_string(entry.expect("entry").path()).expect("ftl");
        let mut current: Option<String> = None;
        for line in text.lines() {
            if let Some((key, _)) = line.split_once(" =")
                && !line.starts_with(['#', ' '])
                && !key.is_empty()
            {
                current = Some(key.trim().to_owned());
            }
            let Some(key) = &current else { continue };
            let message = all.entry(key.clone()).or_insert_with(|| Message {
                args: BTreeSet::new(),
                selects: false,
            });
            for part in line.split("{ $").skip(1) {
                let name: String = part
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect();
                if part[name.len()..].trim_start().starts_with("->") {
                    message.selects = true;
                }
                message.args.insert(name);
            }
        }
    }
    all
}

fn lang_of(code: &str) -> Lang {
    Lang::parse(code).expect("language")
}

fn render(lang: &str, key: &str, message: &Message, n: i64) -> String {
    let args: Vec<(&'static str, String)> = message
        .args
        .iter()
        .map(|name| {
            let value = if NUMBER_ARGS.contains(&name.as_str()) {
                n.to_string()
            } else {
                "X".to_owned()
            };
            (leak(name.clone()), value)
        })
        .collect();
    lang_of(lang).t_args(key, &args)
}

/// The words right after each number in a text: "2 casos" gives ("2", "casos").
fn counted_words(text: &str) -> Vec<(String, String)> {
    let words: Vec<&str> = text.split_whitespace().collect();
    words
        .windows(2)
        .filter(|pair| pair[0].chars().all(|c| c.is_ascii_digit()))
        .map(|pair| {
            let word: String = pair[1].chars().take_while(|c| c.is_alphabetic()).collect();
            (pair[0].to_owned(), word)
        })
        .collect()
}

#[test]
fn every_argument_is_known_to_be_a_number_or_a_text() {
    for lang in Lang::ALL.map(Lang::code) {
        for (key, message) in messages(lang) {
            for arg in &message.args {
                assert!(
                    NUMBER_ARGS.contains(&arg.as_str()) || TEXT_ARGS.contains(&arg.as_str()),
                    "{lang} {key}: is ${arg} a number or a text? Add it to NUMBER_ARGS or TEXT_ARGS."
                );
            }
        }
    }
}

#[test]
fn every_count_message_reads_as_the_table_says_for_0_1_2_and_1000() {
    let table = expected();
    for lang in Lang::ALL.map(Lang::code) {
        for (key, message) in messages(lang) {
            if !message.selects {
                continue;
            }
            let Some(want) = table.get(&(lang, key.as_str())) else {
                panic!("{lang} {key} chooses by a number: add its readings for 0, 1, 2 and 1000");
            };
            for (n, want) in COUNTS.iter().zip(want) {
                assert_eq!(
                    render(lang, &key, &message, *n),
                    *want,
                    "{lang} {key} for {n}"
                );
            }
        }
    }
    for (lang, key) in table.keys() {
        assert!(
            messages(lang).get(*key).is_some_and(|m| m.selects),
            "{lang} {key} is in the table but chooses by no number"
        );
    }
}

#[test]
fn no_message_that_takes_a_number_tells_of_one_thing_when_there_are_none() {
    let mut checked = 0;
    for lang in Lang::ALL.map(Lang::code) {
        for (key, message) in messages(lang) {
            if !message
                .args
                .iter()
                .any(|a| NUMBER_ARGS.contains(&a.as_str()))
            {
                continue;
            }
            checked += 1;
            for n in COUNTS {
                let text = render(lang, &key, &message, n);
                assert!(
                    !text.contains("{$") && !text.contains("{ $") && !text.contains("???"),
                    "{lang} {key} for {n}: {text}"
                );
                let counted = counted_words(&text);
                if n != 1 {
                    assert!(
                        !counted.iter().any(|(number, _)| number == "1"),
                        "{lang} {key} for {n} speaks of one: {text}"
                    );
                }
                if n != 0 && !message.selects {
                    assert!(
                        text.contains(&n.to_string()),
                        "{lang} {key} for {n} leaves the number out: {text}"
                    );
                }
                // A number other than one is followed by a plural (every
                // plural of the three languages ends in -s), save units
                // like "h".
                for (number, word) in counted {
                    if number != "1" && word.chars().count() > 2 {
                        assert!(
                            word.ends_with('s'),
                            "{lang} {key} for {n}: \"{number} {word}\" in {text}"
                        );
                    }
                }
            }
        }
    }
    assert!(checked >= 30, "only {checked} messages take a number");
}
