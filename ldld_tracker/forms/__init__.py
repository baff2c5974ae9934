"""WTForms forms, one module per screen family; shared fields in ``fields``."""
