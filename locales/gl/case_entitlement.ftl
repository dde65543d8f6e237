# O dereito no formulario do caso.
entitlement-remaining-channel = quedan nesta canle
entitlement-refresh = Actualizar dereitos
field-entitlement-reason = Motivo para abrir sen dereito
entitlement-reason-help = Un dereito deste cliente restrinxe a apertura de casos. Sen dereito, o caso só se garda co motivo, que queda na liña do tempo.
entitlement-error-required = Un dereito que cobre este caso restrinxe a apertura de casos: escolla un dereito. Só un supervisor pode abrir o caso sen dereito, indicando o motivo.
entitlement-error-reason-required = Indique o motivo para abrir o caso sen dereito.
entitlement-exception-event = Sen dereito, por excepción á restrición de
