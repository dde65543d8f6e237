## Layout
skip-to-content = Ir ao contido
nav-label = Navegación principal
nav-cases = Casos
nav-customers = Clientes
nav-queues = Filas
nav-knowledge = Coñecemento
nav-dashboard = Panel
nav-admin = Administración
breadcrumbs = Estás en
sign-out = Saír
language = Idioma
language-apply = Aplicar
save = Gardar
cancel = Cancelar

## Sign-in
sign-in-title = Entrar en Atende
sign-in-intro = Indica o espazo de traballo do teu equipo, o teu correo e o teu contrasinal.
sign-in-submit = Entrar
sign-in-failed = Espazo de traballo, correo ou contrasinal incorrectos.
sign-in-expired = A túa sesión rematou. Entra de novo para continuar.
sign-in-throttled = Demasiados intentos sen éxito para esta conta. Téntao de novo en { $minutes ->
    [one] 1 minuto
   *[other] { $minutes } minutos
}.
field-workspace = Espazo de traballo
field-email = Correo electrónico
field-password = Contrasinal
field-initial-password = Contrasinal inicial
password-rule = O contrasinal debe ter de 12 a 128 caracteres.

## Fields and statuses
field-name = Nome
field-role = Rol
field-status = Estado
status-active = Activo
status-inactive = Inactivo
role-agent = Axente
role-supervisor = Supervisor
role-admin = Administrador

## Field errors
error-required = Enche este campo.
error-too-long = Texto demasiado longo.
error-control-chars = Contén caracteres non permitidos.
error-email = Indica un correo válido, como nome@empresa.gal.
error-email-taken = Xa existe un usuario con este correo.
error-password-too-short = O contrasinal debe ter polo menos 12 caracteres.
error-password-too-long = O contrasinal pode ter como máximo 128 caracteres.
error-choose-option = Escolle unha das opcións.

## Users
users-title = Usuarios
user-new = Novo usuario
user-created = Usuario { $name } creado.
user-role-changed = Rol de { $name } cambiado.
user-deactivated = { $name } foi desactivado e xa non pode entrar.
user-reactivated = { $name } foi reactivado.
user-last-admin = O espazo de traballo precisa polo menos un administrador activo.
user-not-yourself = Non podes desactivarte a ti mesmo.
user-change-role = Cambiar rol
user-access = Acceso
user-deactivate-help = Un usuario desactivado sae ao momento e non pode volver entrar; consérvase o seu historial.
user-deactivate = Desactivar usuario
user-reactivate = Reactivar usuario
admin-users-help = Contas, roles e acceso do equipo.

## Sections still to come
coming-cases = Aquí estarán as vistas de casos: os meus casos activos, sen asignar, resoltos e máis.
coming-customers = Aquí estará a busca de clientes por nome, razón social, CPF ou CNPJ, coa ficha de cada cliente.
coming-queues = Aquí estarán as filas de traballo do equipo e os seus elementos.
coming-knowledge = Aquí estará a base de coñecemento con artigos para resolver casos.
coming-dashboard = Aquí estará o panel do supervisor con volumes e cumprimento de SLA.

## Error pages
error-go-home = Volver ao inicio
error-request-id = Código da solicitude:
error-bad-request-title = Solicitude non válida
error-bad-request = Non se puido ler o que se enviou.
error-unauthorized-title = Acceso denegado
error-unauthorized = Entra para continuar.
error-forbidden-title = Sen permiso
error-forbidden = Non tes permiso para facer isto, ou o formulario caducou. Recarga a páxina e téntao de novo.
error-not-found-title = Páxina non atopada
error-not-found = O que buscas non existe ou non está dispoñible para ti.
error-timeout-title = Tempo esgotado
error-timeout = A solicitude tardou demasiado. Téntao de novo.
error-too-large-title = Contido demasiado grande
error-too-large = O que se enviou supera o tamaño permitido.
error-too-many-title = Demasiadas solicitudes
error-too-many = Demasiados intentos en pouco tempo. Agarda un pouco e téntao de novo.
error-unavailable-title = Servizo non dispoñible
error-unavailable = A base de datos non responde. Téntao de novo nuns segundos.
error-internal-title = Algo saíu mal
error-internal = Produciuse un erro inesperado. Se persiste, indica ao soporte o código de abaixo.
