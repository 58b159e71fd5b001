"""What leaves the desk: verification reports (HTML, PDF), CSV, JSON, ClaimReview, evidence bundles."""
