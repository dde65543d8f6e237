-- Catalog entries named in each language of the workspace.
--
-- A Galician or English team read "Em andamento" and "Aguardando detalhes"
-- everywhere, because every catalog entry had one name. Each entry keeps
-- `name`, the name in the workspace's default language (pt-BR for the
-- catalogs Atende seeds), which stays unique and is what the timeline and
-- lookups by name use; `names` holds the optional others, keyed by language
-- code ({"gl": "En curso", "en": "In progress"}).
--
-- Readers get the name in their language through catalog_name(), which
-- reads the language the request set with set_config('app.lang', ..., true)
-- and falls back to the default name: a query needs no parameter for it,
-- and one without a language (the worker, sign-in) reads the default.

create function catalog_name(name text, names jsonb) returns text
    language sql stable parallel safe
    as $$ select coalesce(nullif($2 ->> nullif(current_setting('app.lang', true), ''), ''), $1) $$;

do $$
declare
    tbl text;
begin
    foreach tbl in array array[
        'channels', 'activity_forms', 'request_types', 'forward_reasons', 'units',
        'service_levels', 'customer_roles', 'reasons', 'teams', 'priorities',
        'status_reasons', 'subjects', 'products', 'occurrences', 'causes',
        'slas', 'sla_items'
    ] loop
        execute format(
            $f$alter table %I add column names jsonb not null default '{}'
                   check (jsonb_typeof(names) = 'object')$f$, tbl);
    end loop;
end
$$;

-- The Galician and English names of the entries every workspace starts
-- with (catalog::defaults, sla::defaults), by list and default name.
create function default_catalog_names()
    returns table (list text, name text, gl text, en text)
    language sql immutable parallel safe
    as $$ values
    ('channels', 'Telefone', 'Teléfono', 'Phone'),
    ('channels', 'E-mail', 'Correo electrónico', 'E-mail'),
    ('channels', 'Web', 'Web', 'Web'),
    ('channels', 'Chat', 'Chat', 'Chat'),
    ('channels', 'WhatsApp', 'WhatsApp', 'WhatsApp'),
    ('channels', 'Presencial', 'Presencial', 'In person'),
    ('channels', 'Redes sociais', 'Redes sociais', 'Social media'),
    ('activity_forms', 'Telefone', 'Teléfono', 'Phone'),
    ('activity_forms', 'E-mail', 'Correo electrónico', 'E-mail'),
    ('activity_forms', 'Acesso remoto', 'Acceso remoto', 'Remote access'),
    ('activity_forms', 'Visita técnica', 'Visita técnica', 'On-site visit'),
    ('activity_forms', 'Presencial', 'Presencial', 'In person'),
    ('request_types', 'Dúvida', 'Dúbida', 'Question'),
    ('request_types', 'Reclamação', 'Reclamación', 'Complaint'),
    ('request_types', 'Solicitação', 'Solicitude', 'Request'),
    ('request_types', 'Sugestão', 'Suxestión', 'Suggestion'),
    ('request_types', 'Elogio', 'Eloxio', 'Compliment'),
    ('forward_reasons', 'Necessita especialista', 'Precisa un especialista', 'Needs a specialist'),
    ('forward_reasons', 'Fora do escopo do nível 1', 'Fóra do alcance do nivel 1', 'Beyond level 1'),
    ('forward_reasons', 'Transferência de área', 'Cambio de área', 'Transfer to another area'),
    ('forward_reasons', 'Escalonamento', 'Escalada', 'Escalation'),
    ('units', 'Matriz', 'Sede central', 'Head office'),
    ('units', 'Filial', 'Sucursal', 'Branch'),
    ('customer_roles', 'Cliente', 'Cliente', 'Customer'),
    ('customer_roles', 'Parceiro', 'Socio', 'Partner'),
    ('customer_roles', 'Fornecedor', 'Provedor', 'Supplier'),
    ('priorities', 'Baixa', 'Baixa', 'Low'),
    ('priorities', 'Normal', 'Normal', 'Normal'),
    ('priorities', 'Alta', 'Alta', 'High'),
    ('priorities', 'Urgente', 'Urxente', 'Urgent'),
    ('status_reasons', 'Em andamento', 'En curso', 'In progress'),
    ('status_reasons', 'Em espera', 'En espera', 'On hold'),
    ('status_reasons', 'Aguardando detalhes', 'Agardando detalles', 'Waiting for details'),
    ('status_reasons', 'Em pesquisa', 'En investigación', 'Researching'),
    ('status_reasons', 'Problema resolvido', 'Problema resolto', 'Problem solved'),
    ('status_reasons', 'Informação fornecida', 'Información proporcionada', 'Information provided'),
    ('status_reasons', 'Cancelado', 'Cancelado', 'Cancelled'),
    ('status_reasons', 'Mesclado', 'Combinado', 'Merged'),
    ('teams', 'Nível 1', 'Nivel 1', 'Level 1'),
    ('teams', 'Nível 2 — Especialistas', 'Nivel 2 — Especialistas', 'Level 2 — Specialists'),
    ('teams', 'Financeiro', 'Financeiro', 'Finance'),
    ('subjects', 'Atendimento geral', 'Atención xeral', 'General support'),
    ('subjects', 'Produtos', 'Produtos', 'Products'),
    ('subjects', 'Instalação', 'Instalación', 'Installation'),
    ('subjects', 'Defeito', 'Defecto', 'Defect'),
    ('subjects', 'Garantia', 'Garantía', 'Warranty'),
    ('subjects', 'Dúvida de uso', 'Dúbida de uso', 'How to use'),
    ('subjects', 'Financeiro', 'Financeiro', 'Billing'),
    ('subjects', 'Cobrança', 'Cobro', 'Charges'),
    ('subjects', 'Nota fiscal', 'Factura', 'Invoice'),
    ('subjects', 'Reembolso', 'Reembolso', 'Refund'),
    ('subjects', 'Entregas', 'Entregas', 'Deliveries'),
    ('subjects', 'Atraso', 'Atraso', 'Delay'),
    ('subjects', 'Avaria no transporte', 'Dano no transporte', 'Damaged in transit'),
    ('subjects', 'Cadastro', 'Rexistro', 'Records'),
    ('reasons', 'Reclamação', 'Reclamación', 'Complaint'),
    ('reasons', 'Dúvida', 'Dúbida', 'Question'),
    ('reasons', 'Solicitação', 'Solicitude', 'Request'),
    ('reasons', 'Elogio', 'Eloxio', 'Compliment'),
    ('occurrences', 'Produto com defeito', 'Produto con defecto', 'Defective product'),
    ('occurrences', 'Atraso na entrega', 'Atraso na entrega', 'Late delivery'),
    ('occurrences', 'Cobrança indevida', 'Cobro indebido', 'Wrong charge'),
    ('occurrences', 'Uso do produto', 'Uso do produto', 'Using the product'),
    ('occurrences', 'Prazo e entrega', 'Prazo e entrega', 'Delivery time'),
    ('occurrences', 'Assistência técnica', 'Asistencia técnica', 'Technical assistance'),
    ('occurrences', 'Segunda via', 'Duplicado', 'Duplicate copy'),
    ('occurrences', 'Atendimento', 'Atención', 'Service'),
    ('causes', 'Defeito de fabricação', 'Defecto de fabricación', 'Manufacturing defect'),
    ('causes', 'Mau uso', 'Mal uso', 'Misuse'),
    ('causes', 'Desgaste natural', 'Desgaste natural', 'Normal wear'),
    ('causes', 'Transportadora', 'Transportista', 'Carrier'),
    ('causes', 'Falta de estoque', 'Falta de existencias', 'Out of stock'),
    ('causes', 'Erro de faturamento', 'Erro de facturación', 'Billing error'),
    ('causes', 'Cobrança em duplicidade', 'Cobro duplicado', 'Charged twice'),
    ('causes', 'Manual insuficiente', 'Manual insuficiente', 'Insufficient manual'),
    ('causes', 'Primeira utilização', 'Primeiro uso', 'First use'),
    ('causes', 'Consulta de status', 'Consulta de estado', 'Status enquiry'),
    ('causes', 'Visita técnica', 'Visita técnica', 'On-site visit'),
    ('causes', 'Troca de peça', 'Cambio de peza', 'Part replacement'),
    ('causes', 'Boleto', 'Recibo bancario', 'Payment slip'),
    ('causes', 'Nota fiscal', 'Factura', 'Invoice'),
    ('causes', 'Cordialidade', 'Cordialidade', 'Courtesy'),
    ('causes', 'Rapidez', 'Rapidez', 'Speed'),
    ('slas', 'Padrão', 'Predeterminado', 'Standard'),
    ('sla_items', 'Primeira resposta — urgente', 'Primeira resposta — urxente', 'First response — urgent'),
    ('sla_items', 'Primeira resposta', 'Primeira resposta', 'First response'),
    ('sla_items', 'Resolução — urgente', 'Resolución — urxente', 'Resolution — urgent'),
    ('sla_items', 'Resolução', 'Resolución', 'Resolution')
$$;

-- Gives the default entries the names above where they have none yet:
-- every workspace now, and each new one when its catalogs are seeded.
create function name_default_catalogs() returns void
    language plpgsql as $$
declare
    tbl text;
begin
    for tbl in select distinct list from default_catalog_names() loop
        execute format(
            $f$update %I t set names = jsonb_build_object('gl', d.gl, 'en', d.en)
                 from default_catalog_names() d
                where d.list = %L and t.name = d.name and t.names = '{}'$f$, tbl, tbl);
    end loop;
end
$$;

select name_default_catalogs();
