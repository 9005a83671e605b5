"""Collection: survey links, flyers and QR codes, the participant survey, paper entry, the one
submission path, participant codes, and collection progress per site."""
