"""The facts every stage shares: the submission schema and the units that submit (schema.py,
schema.yaml, units.yaml), periods and their labels, the figure catalogue, the tables stages hand
on, the repository's paths, and what a reused result is made of (fingerprint.py). Any part may
import it; it imports no part."""
