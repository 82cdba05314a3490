"""Reading one return: its cover, each sheet's header and rows, as a person would read them."""
