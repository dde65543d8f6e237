## Layout
skip-to-content = Ir para o conteúdo
nav-label = Navegação principal
nav-cases = Casos
nav-customers = Clientes
nav-queues = Filas
nav-knowledge = Conhecimento
nav-dashboard = Painel
nav-admin = Administração
breadcrumbs = Você está em
sign-out = Sair
language = Idioma
language-apply = Aplicar
save = Salvar
cancel = Cancelar

## Sign-in
sign-in-title = Entrar no Atende
sign-in-intro = Informe o espaço de trabalho da sua equipe, seu e-mail e sua senha.
sign-in-submit = Entrar
sign-in-failed = Espaço de trabalho, e-mail ou senha incorretos.
sign-in-expired = Sua sessão terminou. Entre novamente para continuar.
sign-in-throttled = Muitas tentativas sem sucesso para esta conta. Tente de novo em { $minutes ->
    [one] 1 minuto
   *[other] { $minutes } minutos
}.
field-workspace = Espaço de trabalho
field-email = E-mail
field-password = Senha
field-initial-password = Senha inicial
password-rule = A senha deve ter de 12 a 128 caracteres.

## Fields and statuses
field-name = Nome
field-role = Papel
field-status = Situação
status-active = Ativo
status-inactive = Inativo
role-agent = Atendente
role-supervisor = Supervisor
role-admin = Administrador

## Field errors
error-required = Preencha este campo.
error-too-long = Texto longo demais.
error-control-chars = Contém caracteres não permitidos.
error-email = Informe um e-mail válido, como nome@empresa.com.br.
error-email-taken = Já existe um usuário com este e-mail.
error-password-too-short = A senha deve ter pelo menos 12 caracteres.
error-password-too-long = A senha pode ter no máximo 128 caracteres.
error-choose-option = Escolha uma das opções.

## Users
users-title = Usuários
user-new = Novo usuário
user-created = Usuário { $name } criado.
user-role-changed = Papel de { $name } alterado.
user-deactivated = { $name } foi desativado e não consegue mais entrar.
user-reactivated = { $name } foi reativado.
user-last-admin = O espaço de trabalho precisa de pelo menos um administrador ativo.
user-not-yourself = Você não pode desativar a si mesmo.
user-change-role = Alterar papel
user-access = Acesso
user-deactivate-help = Um usuário desativado é desconectado na hora e não pode mais entrar; seu histórico é mantido.
user-deactivate = Desativar usuário
user-reactivate = Reativar usuário
admin-users-help = Contas, papéis e acesso da equipe.

## Sections still to come
coming-cases = Aqui ficarão as exibições de casos (atendimentos): meus casos ativos, não atribuídos, resolvidos e mais.
coming-customers = Aqui ficará a busca de clientes por nome, razão social, CPF ou CNPJ, com a ficha de cada cliente.
coming-queues = Aqui ficarão as filas de trabalho da equipe e seus itens.
coming-knowledge = Aqui ficará a base de conhecimento com artigos para resolver casos.
coming-dashboard = Aqui ficará o painel do supervisor com volumes e cumprimento de SLA.

## Error pages
error-go-home = Voltar ao início
error-request-id = Código da requisição:
error-bad-request-title = Requisição inválida
error-bad-request = Não foi possível ler o que foi enviado.
error-unauthorized-title = Acesso negado
error-unauthorized = Entre para continuar.
error-forbidden-title = Sem permissão
error-forbidden = Você não tem permissão para fazer isto, ou o formulário expirou. Recarregue a página e tente de novo.
error-not-found-title = Página não encontrada
error-not-found = O que você procura não existe ou não está disponível para você.
error-timeout-title = Tempo esgotado
error-timeout = A requisição demorou demais. Tente de novo.
error-too-large-title = Conteúdo grande demais
error-too-large = O que foi enviado passa do tamanho permitido.
error-too-many-title = Muitas requisições
error-too-many = Muitas tentativas em pouco tempo. Aguarde um pouco e tente de novo.
error-unavailable-title = Serviço indisponível
error-unavailable = O banco de dados não está respondendo. Tente de novo em alguns segundos.
error-internal-title = Algo deu errado
error-internal = Ocorreu um erro inesperado. Se persistir, informe o código abaixo ao suporte.
