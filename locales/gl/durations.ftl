# Duracións: as palabras de unidade que imprimen as páxinas e as mensaxes dos
# campos de duración. O lector acepta "h", "hora(s)", "min" e "minuto(s)" en
# calquera lingua: unha unidade escrita aquí ten que ser unha que coñeza.
duration-unit-hours = h
duration-unit-minutes = min
error-duration = Indica a duración en minutos (70), horas e minutos (1:10 ou 1 h 10 min) ou horas (1,5 h).
error-duration-negative = A duración non pode ser negativa.
error-duration-activity-max = Unha actividade dura como moito 1666 h 40 min.
error-duration-billable-max = O tempo facturable chega ata 100000 h.
error-duration-entitlement-max = Un dereito ten como moito 1000000 h.
error-duration-deadline-max = Un prazo chega ata 87600 h (dez anos).
