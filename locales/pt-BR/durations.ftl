# Durations: the unit words pages print, and the messages of duration fields.
# The duration reader accepts "h", "hora(s)", "min" and "minuto(s)" in every
# language: a unit word written here must be one it knows.
duration-unit-hours = h
duration-unit-minutes = min
error-duration = Informe a duração em minutos (70), horas e minutos (1:10 ou 1 h 10 min) ou horas (1,5 h).
error-duration-negative = A duração não pode ser negativa.
error-duration-activity-max = Uma atividade dura no máximo 1666 h 40 min.
error-duration-billable-max = O tempo faturável vai até 100000 h.
error-duration-entitlement-max = Um direito tem no máximo 1000000 h.
error-duration-deadline-max = Um prazo vai até 87600 h (dez anos).
