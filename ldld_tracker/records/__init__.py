"""Operations on enterprises and people: validate, change, audit, flush (never commit)."""
