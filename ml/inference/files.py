"""The files of a bundle folder (torch-free, so code that only watches bundle folders stays light)."""

WEIGHTS_FILE = "weights.pt"
CARD_FILE = "card.json"
