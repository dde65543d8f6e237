## Layout
skip-to-content = Skip to content
nav-label = Main navigation
nav-cases = Cases
nav-customers = Customers
nav-queues = Queues
nav-knowledge = Knowledge
nav-dashboard = Dashboard
nav-admin = Administration
breadcrumbs = You are in
sign-out = Sign out
language = Language
language-apply = Apply
save = Save
cancel = Cancel

## Sign-in
sign-in-title = Sign in to Atende
sign-in-intro = Enter your team's workspace, your e-mail and your password.
sign-in-submit = Sign in
sign-in-failed = Wrong workspace, e-mail or password.
sign-in-expired = Your session ended. Sign in again to continue.
sign-in-throttled = Too many failed attempts for this account. Try again in { $minutes ->
    [one] 1 minute
   *[other] { $minutes } minutes
}.
field-workspace = Workspace
field-email = E-mail
field-password = Password
field-initial-password = Initial password
password-rule = Passwords have 12 to 128 characters.

## Fields and statuses
field-name = Name
field-role = Role
field-status = Status
status-active = Active
status-inactive = Inactive
role-agent = Agent
role-supervisor = Supervisor
role-admin = Administrator

## Field errors
error-required = Fill in this field.
error-too-long = This text is too long.
error-control-chars = Contains characters that are not allowed.
error-email = Enter a valid e-mail, such as name@company.com.
error-email-taken = A user with this e-mail already exists.
error-password-too-short = The password needs at least 12 characters.
error-password-too-long = The password can have at most 128 characters.
error-choose-option = Choose one of the options.

## Users
users-title = Users
user-new = New user
user-created = User { $name } created.
user-role-changed = Role of { $name } changed.
user-deactivated = { $name } was deactivated and can no longer sign in.
user-reactivated = { $name } was reactivated.
user-last-admin = The workspace needs at least one active administrator.
user-not-yourself = You cannot deactivate yourself.
user-change-role = Change role
user-access = Access
user-deactivate-help = A deactivated user is signed out at once and cannot sign in again; their history is kept.
user-deactivate = Deactivate user
user-reactivate = Reactivate user
admin-users-help = Team accounts, roles and access.

## Sections still to come
coming-cases = Case views will live here: my active cases, unassigned, resolved and more.
coming-customers = Customer search by name, company name, CPF or CNPJ will live here, with each customer's record.
coming-queues = The team's work queues and their items will live here.
coming-knowledge = The knowledge base with articles to resolve cases will live here.
coming-dashboard = The supervisor dashboard with volumes and SLA compliance will live here.

## Error pages
error-go-home = Back to the start
error-request-id = Request id:
error-bad-request-title = Bad request
error-bad-request = What was sent could not be read.
error-unauthorized-title = Access denied
error-unauthorized = Sign in to continue.
error-forbidden-title = Not allowed
error-forbidden = You are not allowed to do this, or the form has expired. Reload the page and try again.
error-not-found-title = Page not found
error-not-found = What you are looking for does not exist or is not available to you.
error-timeout-title = Timed out
error-timeout = The request took too long. Try again.
error-too-large-title = Too large
error-too-large = What was sent is larger than allowed.
error-too-many-title = Too many requests
error-too-many = Too many attempts in a short time. Wait a moment and try again.
error-unavailable-title = Service unavailable
error-unavailable = The database is not answering. Try again in a few seconds.
error-internal-title = Something went wrong
error-internal = An unexpected error happened. If it persists, give support the code below.
