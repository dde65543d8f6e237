//! CSV import and export of customers, in one format both ways (export,
//! edit in a spreadsheet, import). The import checks every row first and
//! reports each problem by row and column; it applies all rows or none.

use std::collections::{HashMap, HashSet};

use uuid::Uuid;

use crate::customers::model::{CustomerForm, CustomerInput, CustomerKind};

/// Column names, in order, as a Brazilian spreadsheet user reads them.
pub const COLUMNS: [&str; 11] = [
    "tipo",
    "nome",
    "nome_fantasia",
    "documento",
    "email",
    "telefone",
    "cnpj_conta",
    "nivel_servico",
    "papeis",
    "observacoes",
    "ativo",
];

/// One problem of the file: the row (1 = first data row, as in a
/// spreadsheet after the header), the column and the message key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowError {
    pub row: usize,
    pub column: String,
    pub key: &'static str,
}

/// A row that passed every check, ready to insert.
pub struct ImportRow {
    pub input: CustomerInput,
    /// CNPJ of the account a contact belongs to, normalised.
    pub account_document: Option<String>,
}

/// What the import needs to know about the workspace.
pub struct Lookups {
    /// Lower-cased name → id, active service levels.
    pub service_levels: HashMap<String, Uuid>,
    /// Lower-cased name → id, active customer roles.
    pub roles: HashMap<String, Uuid>,
    /// Documents of active customers already registered.
    pub taken_documents: HashSet<String>,
    /// CNPJs of active accounts already registered.
    pub accounts: HashSet<String>,
}

/// The spreadsheet row number of a record: header is row 1 in a spreadsheet,
/// but users count data rows from the header, so data starts at 2.
fn sheet_row(index: usize) -> usize {
    index + 2
}

/// The file's text. Spreadsheets saved as CSV on Windows are Windows-1252
/// rather than UTF-8, and read as UTF-8 every accented name would arrive
/// with U+FFFD in it and be refused: a file that is not UTF-8 is read as
/// Windows-1252 instead, which maps every byte to a character.
fn decode(bytes: &[u8]) -> std::borrow::Cow<'_, str> {
    match std::str::from_utf8(bytes) {
        Ok(text) => std::borrow::Cow::Borrowed(text),
        Err(_) => {
            encoding_rs::WINDOWS_1252
                .decode_without_bom_handling(bytes)
                .0
        }
    }
}

/// Parses and checks the whole file. Any error means nothing is imported.
pub fn parse(bytes: &[u8], lookups: &Lookups) -> Result<Vec<ImportRow>, Vec<RowError>> {
    let text = decode(bytes);
    let text = text.trim_start_matches('\u{feff}');
    let first_line = text.lines().next().unwrap_or_default();
    let delimiter = if first_line.matches(';').count() > first_line.matches(',').count() {
        b';'
    } else {
        b','
    };
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let header: Vec<String> = match reader.headers() {
        Ok(h) => h.iter().map(|c| c.trim().to_lowercase()).collect(),
        Err(_) => {
            return Err(vec![RowError {
                row: 1,
                column: String::new(),
                key: "import-unreadable",
            }]);
        }
    };
    let mut errors = Vec::new();
    for required in ["tipo", "nome"] {
        if !header.iter().any(|h| h == required) {
            errors.push(RowError {
                row: 1,
                column: required.into(),
                key: "import-missing-column",
            });
        }
    }
    for column in &header {
        if !COLUMNS.contains(&column.as_str()) {
            errors.push(RowError {
                row: 1,
                column: column.clone(),
                key: "import-unknown-column",
            });
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let position: HashMap<&str, usize> = header
        .iter()
        .enumerate()
        .map(|(i, h)| (h.as_str(), i))
        .collect();

    let mut rows = Vec::new();
    let mut seen_documents: HashMap<String, usize> = HashMap::new();
    let mut file_accounts: HashSet<String> = HashSet::new();
    let mut pending_links: Vec<(usize, String)> = Vec::new();
    for (index, record) in reader.records().enumerate() {
        let row = sheet_row(index);
        let Ok(record) = record else {
            errors.push(RowError {
                row,
                column: String::new(),
                key: "import-unreadable",
            });
            continue;
        };
        if record.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let cell = |name: &str| {
            position
                .get(name)
                .and_then(|i| record.get(*i))
                .unwrap_or_default()
                .to_owned()
        };
        let kind = match cell("tipo").to_lowercase().as_str() {
            "conta" | "account" | "pj" => Some(CustomerKind::Account),
            "contato" | "contact" | "pf" => Some(CustomerKind::Contact),
            _ => None,
        };
        let Some(kind) = kind else {
            errors.push(RowError {
                row,
                column: "tipo".into(),
                key: "import-bad-kind",
            });
            continue;
        };
        let mut role_ids = Vec::new();
        for name in cell("papeis")
            .split('|')
            .map(str::trim)
            .filter(|n| !n.is_empty())
        {
            match lookups.roles.get(&name.to_lowercase()) {
                Some(id) => role_ids.push(id.to_string()),
                None => errors.push(RowError {
                    row,
                    column: "papeis".into(),
                    key: "import-unknown-role",
                }),
            }
        }
        let level = cell("nivel_servico");
        let service_level_id = if level.is_empty() {
            String::new()
        } else {
            match lookups.service_levels.get(&level.to_lowercase()) {
                Some(id) => id.to_string(),
                None => {
                    errors.push(RowError {
                        row,
                        column: "nivel_servico".into(),
                        key: "import-unknown-level",
                    });
                    String::new()
                }
            }
        };
        let form = CustomerForm {
            kind: kind.as_str().into(),
            name: cell("nome"),
            trade_name: cell("nome_fantasia"),
            document: cell("documento"),
            account_document: if kind == CustomerKind::Contact {
                cell("cnpj_conta")
            } else {
                String::new()
            },
            email: cell("email"),
            phone: cell("telefone"),
            service_level_id,
            roles: role_ids,
            notes: cell("observacoes"),
            ..CustomerForm::default()
        };
        match CustomerInput::parse(&form) {
            Err(field_errors) => {
                for field in field_errors.fields() {
                    errors.push(RowError {
                        row,
                        column: column_of(field).into(),
                        key: field_errors.get(field).unwrap_or("error-invalid"),
                    });
                }
            }
            Ok(input) => {
                if let Some(document) = &input.document {
                    let normalized = document.normalized().to_owned();
                    if lookups.taken_documents.contains(&normalized) {
                        errors.push(RowError {
                            row,
                            column: "documento".into(),
                            key: "error-document-taken",
                        });
                    } else if let Some(first) = seen_documents.insert(normalized.clone(), row) {
                        let _ = first;
                        errors.push(RowError {
                            row,
                            column: "documento".into(),
                            key: "import-duplicate-document",
                        });
                    }
                    if kind == CustomerKind::Account {
                        file_accounts.insert(normalized);
                    }
                }
                let account_document = input
                    .account_document
                    .as_ref()
                    .map(|d| d.normalized().to_owned());
                if let Some(account) = &account_document {
                    pending_links.push((row, account.clone()));
                }
                rows.push(ImportRow {
                    input,
                    account_document,
                });
            }
        }
    }
    for (row, account) in pending_links {
        if !lookups.accounts.contains(&account) && !file_accounts.contains(&account) {
            errors.push(RowError {
                row,
                column: "cnpj_conta".into(),
                key: "error-account-not-found",
            });
        }
    }
    if rows.is_empty() && errors.is_empty() {
        errors.push(RowError {
            row: 2,
            column: String::new(),
            key: "import-empty",
        });
    }
    if errors.is_empty() {
        // Accounts first, so contacts in the same file can point at them.
        rows.sort_by_key(|r| r.input.kind != CustomerKind::Account);
        Ok(rows)
    } else {
        errors.sort_by_key(|e| e.row);
        Err(errors)
    }
}

fn column_of(field: &str) -> &'static str {
    match field {
        "kind" => "tipo",
        "name" => "nome",
        "trade_name" => "nome_fantasia",
        "document" => "documento",
        "email" => "email",
        "phone" => "telefone",
        "account_document" => "cnpj_conta",
        "service_level_id" => "nivel_servico",
        "roles" => "papeis",
        "notes" => "observacoes",
        _ => "",
    }
}

/// One exported customer.
pub struct ExportRow {
    pub kind: CustomerKind,
    pub name: String,
    pub trade_name: String,
    pub document: String,
    pub email: String,
    pub phone: String,
    pub account_document: String,
    pub service_level: String,
    pub roles: Vec<String>,
    pub notes: String,
    pub active: bool,
}

pub fn write(rows: &[ExportRow]) -> Result<Vec<u8>, csv::Error> {
    let mut writer = csv::WriterBuilder::new()
        .delimiter(b';')
        .from_writer(Vec::new());
    writer.write_record(COLUMNS)?;
    for row in rows {
        writer.write_record([
            if row.kind == CustomerKind::Account {
                "conta"
            } else {
                "contato"
            },
            &row.name,
            &row.trade_name,
            &row.document,
            &row.email,
            &row.phone,
            &row.account_document,
            &row.service_level,
            &row.roles.join("|"),
            &row.notes,
            if row.active { "sim" } else { "não" },
        ])?;
    }
    writer
        .into_inner()
        .map_err(|e| csv::Error::from(e.into_error()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lookups() -> Lookups {
        Lookups {
            service_levels: [("gold".to_owned(), Uuid::now_v7())].into(),
            roles: [
                ("cliente".to_owned(), Uuid::now_v7()),
                ("parceiro".to_owned(), Uuid::now_v7()),
            ]
            .into(),
            taken_documents: ["52998224725".to_owned()].into(),
            accounts: HashSet::new(),
        }
    }

    #[test]
    fn a_clean_file_imports_accounts_before_their_contacts() {
        let file = "tipo;nome;documento;cnpj_conta;papeis;nivel_servico\n\
                    contato;Maria Souza;;11.222.333/0001-81;Cliente;\n\
                    conta;Padaria Nova Ltda;11.222.333/0001-81;;Cliente|Parceiro;Gold\n";
        let rows = parse(file.as_bytes(), &lookups()).expect("valid file");
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].input.kind, CustomerKind::Account);
        assert_eq!(rows[0].input.roles.len(), 2);
        assert_eq!(rows[1].account_document.as_deref(), Some("11222333000181"));
    }

    #[test]
    fn every_bad_row_is_reported_with_row_and_column() {
        let file = "tipo,nome,documento,email,papeis\n\
                    contato,Ana,529.982.247-25,,Cliente\n\
                    pessoa,Beto,,,\n\
                    conta,,11.222.333/0001-82,x@,Vip\n\
                    contato,Caio,123.456.789-09,,\n\
                    contato,Dora,123.456.789-09,,\n";
        let errors = parse(file.as_bytes(), &lookups()).err().expect("errors");
        let found: Vec<(usize, &str, &str)> = errors
            .iter()
            .map(|e| (e.row, e.column.as_str(), e.key))
            .collect();
        assert!(
            found.contains(&(2, "documento", "error-document-taken")),
            "{found:?}"
        );
        assert!(found.contains(&(3, "tipo", "import-bad-kind")), "{found:?}");
        assert!(found.contains(&(4, "nome", "error-required")), "{found:?}");
        assert!(
            found.contains(&(4, "documento", "error-cnpj-check-digit")),
            "{found:?}"
        );
        assert!(found.contains(&(4, "email", "error-email")), "{found:?}");
        assert!(
            found.contains(&(4, "papeis", "import-unknown-role")),
            "{found:?}"
        );
        assert!(
            found.contains(&(6, "documento", "import-duplicate-document")),
            "{found:?}"
        );
    }

    #[test]
    fn unknown_columns_and_missing_ones_are_refused_up_front() {
        let errors = parse(b"nome;cpf\nAna;1\n", &lookups())
            .err()
            .expect("errors");
        let keys: Vec<_> = errors.iter().map(|e| (e.column.as_str(), e.key)).collect();
        assert!(keys.contains(&("tipo", "import-missing-column")));
        assert!(keys.contains(&("cpf", "import-unknown-column")));
    }

    #[test]
    fn a_spreadsheet_saved_as_windows_1252_keeps_its_accents() {
        let file = b"tipo;nome\nconta;Padaria S\xe3o Jo\xe3o\n";
        let rows = parse(file, &lookups()).expect("valid file");
        assert_eq!(rows[0].input.name, "Padaria São João");
    }

    #[test]
    fn a_nul_byte_in_a_cell_is_refused_with_its_row_and_column() {
        let errors = parse(b"tipo;nome\nconta;Ana\0\n", &lookups())
            .err()
            .expect("errors");
        assert_eq!((errors[0].row, errors[0].column.as_str()), (2, "nome"));
    }

    #[test]
    fn a_contact_must_point_at_a_known_account() {
        let errors = parse(
            b"tipo;nome;cnpj_conta\ncontato;Eva;11.222.333/0001-81\n",
            &lookups(),
        )
        .err()
        .expect("errors");
        assert_eq!(errors[0].key, "error-account-not-found");
        assert_eq!(errors[0].column, "cnpj_conta");
    }

    #[test]
    fn export_writes_the_columns_import_reads() {
        let bytes = write(&[ExportRow {
            kind: CustomerKind::Account,
            name: "Padaria; \"São\" João".into(),
            trade_name: String::new(),
            document: "11.222.333/0001-81".into(),
            email: String::new(),
            phone: String::new(),
            account_document: String::new(),
            service_level: "Gold".into(),
            roles: vec!["Cliente".into()],
            notes: String::new(),
            active: true,
        }])
        .expect("csv");
        let text = String::from_utf8(bytes).expect("utf8");
        assert!(text.starts_with("tipo;nome;"));
        assert!(text.contains("\"Padaria; \"\"São\"\" João\""));
        let rows = parse(
            text.as_bytes(),
            &Lookups {
                taken_documents: HashSet::new(),
                ..lookups()
            },
        )
        .expect("round trip");
        assert_eq!(rows[0].input.name, "Padaria; \"São\" João");
    }
}
