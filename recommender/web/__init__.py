"""The listener's pages: accounts, the playlist generator, the player, the profile. Thin views over
``recommender.services``."""
