# O direito no formulário do caso.
entitlement-remaining-channel = restam neste canal
entitlement-refresh = Atualizar direitos
