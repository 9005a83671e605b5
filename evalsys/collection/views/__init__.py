"""The pages of collection: an intervention's overview, a site's progress and links, paper entry."""
