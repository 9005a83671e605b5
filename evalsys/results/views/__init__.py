"""The pages of results: the results page, published reports, and exports."""
