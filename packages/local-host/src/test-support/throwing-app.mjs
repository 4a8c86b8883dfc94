// An app module whose start-up fails, as one with a missing setting would.
throw new Error('setting HL7GW_MISSING is not set');
