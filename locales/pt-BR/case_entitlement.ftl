# O direito no formulário do caso.
entitlement-remaining-channel = restam neste canal
entitlement-refresh = Atualizar direitos
field-entitlement-reason = Motivo para abrir sem direito
entitlement-reason-help = Um direito deste cliente restringe a abertura de casos. Sem direito, o caso só é salvo com o motivo, que fica na linha do tempo.
entitlement-error-required = Um direito que cobre este caso restringe a abertura de casos: escolha um direito. Só um supervisor pode abrir o caso sem direito, informando o motivo.
entitlement-error-reason-required = Informe o motivo para abrir o caso sem direito.
entitlement-exception-event = Sem direito, por exceção à restrição de
