"""What a person looks at: the offline HTML page (kg viz), its layout and palette, and timelines."""
