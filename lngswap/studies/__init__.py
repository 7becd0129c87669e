"""Everything that takes more than one solve: foresight, references, term variants."""
