//! Deterministic Brazilian-looking data: names, companies, streets, and
//! CPF/CNPJ numbers with correct check digits, all derived from integers so
//! the same seed always yields the same data.

pub const FIRST_NAMES: [&str; 40] = [
    "Ana",
    "João",
    "Maria",
    "José",
    "Francisco",
    "Antônia",
    "Carlos",
    "Paulo",
    "Adriana",
    "Juliana",
    "Marcos",
    "Luiz",
    "Fernanda",
    "Patrícia",
    "Aline",
    "Rafael",
    "Camila",
    "Bruno",
    "Letícia",
    "Gabriel",
    "Lucas",
    "Mariana",
    "Thiago",
    "Beatriz",
    "Rodrigo",
    "Larissa",
    "Felipe",
    "Vanessa",
    "Eduardo",
    "Sônia",
    "Raimundo",
    "Conceição",
    "Sebastião",
    "Luzia",
    "Vitória",
    "Otávio",
    "Helena",
    "Caio",
    "Débora",
    "Íris",
];

pub const LAST_NAMES: [&str; 40] = [
    "Silva",
    "Santos",
    "Oliveira",
    "Souza",
    "Rodrigues",
    "Ferreira",
    "Alves",
    "Pereira",
    "Lima",
    "Gomes",
    "Costa",
    "Ribeiro",
    "Martins",
    "Carvalho",
    "Almeida",
    "Lopes",
    "Soares",
    "Fernandes",
    "Vieira",
    "Barbosa",
    "Rocha",
    "Dias",
    "Nascimento",
    "Andrade",
    "Moreira",
    "Nunes",
    "Marques",
    "Machado",
    "Mendes",
    "Freitas",
    "Cardoso",
    "Ramos",
    "Gonçalves",
    "Santana",
    "Teixeira",
    "Araújo",
    "Conceição",
    "Brandão",
    "Assunção",
    "Galvão",
];

const COMPANY_KINDS: [&str; 16] = [
    "Padaria",
    "Mercado",
    "Farmácia",
    "Oficina",
    "Transportadora",
    "Construtora",
    "Clínica",
    "Restaurante",
    "Distribuidora",
    "Papelaria",
    "Auto Peças",
    "Pet Shop",
    "Academia",
    "Hotel",
    "Escola",
    "Confeitaria",
];

const COMPANY_NAMES: [&str; 24] = [
    "São Jorge",
    "Bom Preço",
    "Estrela",
    "Central",
    "Boa Vista",
    "Nova Era",
    "Progresso",
    "Santa Luzia",
    "Primavera",
    "Aurora",
    "Ipiranga",
    "Paraná",
    "Horizonte",
    "União",
    "Três Irmãos",
    "Vitória",
    "Brasil",
    "Serra Azul",
    "Sol Nascente",
    "Esperança",
    "Jardim",
    "Imperial",
    "Litoral",
    "Ouro Verde",
];

const SUFFIXES: [&str; 4] = ["Ltda", "ME", "EIRELI", "S.A."];

pub const CITIES: [(&str, &str); 12] = [
    ("São Paulo", "SP"),
    ("Rio de Janeiro", "RJ"),
    ("Belo Horizonte", "MG"),
    ("Curitiba", "PR"),
    ("Porto Alegre", "RS"),
    ("Salvador", "BA"),
    ("Recife", "PE"),
    ("Fortaleza", "CE"),
    ("Campinas", "SP"),
    ("Goiânia", "GO"),
    ("Florianópolis", "SC"),
    ("Belém", "PA"),
];

const STREETS: [&str; 12] = [
    "Rua das Flores",
    "Avenida Paulista",
    "Rua XV de Novembro",
    "Avenida Brasil",
    "Rua da Consolação",
    "Rua Sete de Setembro",
    "Avenida Getúlio Vargas",
    "Rua Dom Pedro II",
    "Travessa do Comércio",
    "Rua Tiradentes",
    "Avenida Rio Branco",
    "Rua Marechal Deodoro",
];

/// A small, fast, deterministic generator (splitmix64).
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    pub fn below(&mut self, n: u64) -> u64 {
        if n == 0 { 0 } else { self.next_u64() % n }
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }

    pub fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}

pub fn person_name(rng: &mut Rng) -> String {
    format!(
        "{} {} {}",
        rng.pick(&FIRST_NAMES),
        rng.pick(&LAST_NAMES),
        rng.pick(&LAST_NAMES)
    )
}

/// (razão social, nome fantasia)
pub fn company_name(rng: &mut Rng) -> (String, String) {
    let trade = format!("{} {}", rng.pick(&COMPANY_KINDS), rng.pick(&COMPANY_NAMES));
    let legal = format!("{trade} {}", rng.pick(&SUFFIXES));
    (legal, trade)
}

pub fn street(rng: &mut Rng) -> (String, String) {
    (
        rng.pick(&STREETS).to_string(),
        (1 + rng.below(3000)).to_string(),
    )
}

/// An e-mail address from a name: "José da Silva" → "jose.silva@<domain>".
pub fn email_for(name: &str, domain: &str, n: u64) -> String {
    let ascii: String = name
        .to_lowercase()
        .chars()
        .map(|c| match c {
            'á' | 'à' | 'â' | 'ã' => 'a',
            'é' | 'ê' => 'e',
            'í' => 'i',
            'ó' | 'ô' | 'õ' => 'o',
            'ú' | 'ü' => 'u',
            'ç' => 'c',
            c => c,
        })
        .collect();
    let parts: Vec<&str> = ascii.split_whitespace().filter(|w| w.len() > 2).collect();
    let local = match (parts.first(), parts.last()) {
        (Some(first), Some(last)) if parts.len() > 1 => format!("{first}.{last}"),
        (Some(first), _) => (*first).to_owned(),
        _ => "contato".to_owned(),
    };
    if n == 0 {
        format!("{local}@{domain}")
    } else {
        format!("{local}{n}@{domain}")
    }
}

/// A mobile number in a real area code: 11 digits.
pub fn mobile(rng: &mut Rng) -> String {
    const AREAS: [u64; 10] = [11, 21, 31, 41, 51, 61, 71, 81, 85, 19];
    format!("{}9{:08}", rng.pick(&AREAS), rng.below(100_000_000))
}

/// The CPF whose first nine digits are `base` (0..1e9), check digits added.
pub fn cpf(base: u64) -> String {
    let mut digits: Vec<u32> = format!("{:09}", base % 1_000_000_000)
        .chars()
        .filter_map(|c| c.to_digit(10))
        .collect();
    // Nine equal digits make an invalid CPF whatever the check digits.
    if digits.iter().all(|d| *d == digits[0]) {
        digits[8] = (digits[8] + 1) % 10;
    }
    for len in [9, 10] {
        let sum: u32 = digits[..len]
            .iter()
            .enumerate()
            .map(|(i, d)| d * (len as u32 + 1 - i as u32))
            .sum();
        let rest = (sum * 10) % 11;
        digits.push(if rest == 10 { 0 } else { rest });
    }
    digits.iter().map(|d| char::from(b'0' + *d as u8)).collect()
}

/// The numeric CNPJ of root `base` (0..1e8), branch 0001, check digits added.
pub fn cnpj(base: u64) -> String {
    let mut digits: Vec<u32> = format!("{:08}0001", base % 100_000_000)
        .chars()
        .filter_map(|c| c.to_digit(10))
        .collect();
    for weights in [
        &[5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2][..],
        &[6, 5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2][..],
    ] {
        let sum: u32 = digits.iter().zip(weights).map(|(d, w)| d * w).sum();
        let rest = sum % 11;
        digits.push(if rest < 2 { 0 } else { 11 - rest });
    }
    digits.iter().map(|d| char::from(b'0' + *d as u8)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::customers::document::Document;

    #[test]
    fn generated_documents_pass_validation() {
        for base in [0, 1, 111_111_111, 529_982_247, 123_456_789, 999_999_999] {
            let number = cpf(base);
            assert!(Document::parse_cpf(&number).is_ok(), "{number}");
        }
        assert_eq!(cpf(529_982_247), "52998224725");
        for base in [0, 11_222_333, 99_999_999, 12_345_678] {
            let number = cnpj(base);
            assert!(Document::parse_cnpj(&number).is_ok(), "{number}");
        }
        assert_eq!(cnpj(11_222_333), "11222333000181");
    }

    #[test]
    fn the_generator_is_deterministic() {
        let (mut a, mut b) = (Rng::new(7), Rng::new(7));
        assert_eq!(person_name(&mut a), person_name(&mut b));
        assert_eq!(
            email_for("José da Silva", "padaria.example", 0),
            "jose.silva@padaria.example"
        );
    }
}
