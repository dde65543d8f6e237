# O dereito no formulario do caso.
entitlement-remaining-channel = quedan nesta canle
entitlement-refresh = Actualizar dereitos
